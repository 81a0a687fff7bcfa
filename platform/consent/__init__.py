"""Consent and disclosure: what a service user allows, and what leaves the service."""
