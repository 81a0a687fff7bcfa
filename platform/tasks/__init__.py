"""Tasks: one model of what someone must do on a case, and by when."""
