"""Per-tenant policy settings (sessions now; consent, retention and more later)."""
