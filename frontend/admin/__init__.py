"""The tenant admin's pages: sign-in settings, enquiry topics and support levels, consent
settings, staff, and the audit log's latest checkpoint."""
