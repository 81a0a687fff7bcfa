"""Information request pages (issue 17)."""
