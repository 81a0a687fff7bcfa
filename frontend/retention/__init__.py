"""Retention pages for managers (rule 14): a case's legal hold, placed with a reason and
lifted, and the list of cases on hold. The tenant admin's dry run is in ``admin``."""
