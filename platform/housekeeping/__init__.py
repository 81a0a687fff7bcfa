"""Housekeeping: the per-tenant heartbeat that proves scheduled work reaches every tenant,
and the run records every scheduled job leaves (`workers/jobs.py`)."""
