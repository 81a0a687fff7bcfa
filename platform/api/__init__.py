"""The JSON API: thin controllers over the domain services."""
