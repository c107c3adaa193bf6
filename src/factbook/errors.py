"""The one exception hierarchy the library raises; the CLI turns each into a clear line."""
from __future__ import annotations


class FactbookError(Exception):
    """Base of every error factbook raises on purpose. `hint` says how to fix it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


class InputError(FactbookError):
    """A file that cannot be read as a document: names the file and the reason."""

    def __init__(self, path: str, reason: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {reason}", hint)
        self.path = path
        self.reason = reason


class ConfigError(FactbookError):
    """A setting that is missing or wrong."""


class VaultError(FactbookError):
    """The vault cannot be read or written as asked."""


class StoreError(FactbookError):
    """The knowledge store cannot be opened, migrated or written."""


class ExtractionError(FactbookError):
    """An extractor failed on one document (the run goes on with the others)."""


class EntityNotFoundError(FactbookError):
    """No entity has that name or alias."""


class LLMError(ExtractionError):
    """The LLM endpoint failed, or answered unusably, for one document.

    `fatal` is True when no later document can succeed either (server
    unreachable, key rejected, unknown model), so a run may stop early.
    """

    def __init__(self, message: str, hint: str | None = None, fatal: bool = False) -> None:
        super().__init__(message, hint)
        self.fatal = fatal


class VaultLockedError(VaultError):
    """Another factbook run holds the vault's lock (one run at a time per vault)."""
