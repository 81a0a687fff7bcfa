"""Exports pages (issue 16)."""
