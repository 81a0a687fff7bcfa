"""Audit: the append-only, tamper-evident log of who did what, per tenant (rule 2)."""
