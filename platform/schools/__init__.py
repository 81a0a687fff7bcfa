"""Schools and settings: the service's directory, imported from the DfE's GIAS extract."""
