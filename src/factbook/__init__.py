"""factbook: turn the documents a professional accumulates into a living Obsidian vault."""

__version__ = "0.1.0"
