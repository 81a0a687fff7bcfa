"""The statistics pages (rule 12): the annual return's preview and its download."""
