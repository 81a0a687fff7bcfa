"""Case work pages: the dashboard, a new enquiry, the case page and what is done from it,
a restricted case and break-glass, access history, search."""
