"""Notifications pages (issue 15)."""
