"""Housekeeping: the per-tenant heartbeat that proves scheduled work reaches every tenant."""
