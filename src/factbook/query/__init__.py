"""Read-only questions over the store: find an entity, what the vault holds."""
