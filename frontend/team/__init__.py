"""The manager's team view pages."""
