"""The schools and settings directory pages."""
