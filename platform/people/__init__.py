"""People across cases: duplicates, households and relationships, merges (issue 14)."""
