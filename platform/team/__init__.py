"""The manager's team view: cases nobody is assigned to, and each caseworker's caseload."""
