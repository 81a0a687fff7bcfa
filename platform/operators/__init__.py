"""Platform operators: local accounts (Argon2id password and TOTP) that run the registry.

An operator provisions, suspends and restores tenants. Nothing here reads a
tenant-owned table: an operator never sees any tenant's case data.
"""
