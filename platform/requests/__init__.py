"""Information requests: subject access, case-file requests, FOI (issue 17)."""
