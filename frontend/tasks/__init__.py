"""Tasks pages: the task list, one task, a follow-up added to a case."""
