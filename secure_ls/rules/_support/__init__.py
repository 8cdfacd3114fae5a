"""Helpers shared by several rules (kept out of the registry by the leading underscore)."""
