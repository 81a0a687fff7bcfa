"""Storage: files (documents, exports) encrypted with the tenant's data key, kept in a
folder or an S3-compatible bucket under names that are only ids."""
