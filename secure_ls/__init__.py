"""secure-ls: a language server that teaches secure Python while you type."""

__version__ = "0.1.0"
