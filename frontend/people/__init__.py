"""Pages for people across cases: who is on a case, households, a person, merges."""
