"""Documents on a case: files with a title, a kind, a date and a side of the record,
each version kept, stored sealed (``platform/storage``), downloaded behind need-to-know."""
