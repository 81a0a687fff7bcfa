"""Documents pages: a case's documents, uploading, a document's versions, downloads."""
