"""Consent pages: the consent history, recording a new version, reviews, capacity."""
