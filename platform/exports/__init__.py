"""Exports built by workers (issue 16): the case bundle, its progress, expiry."""
