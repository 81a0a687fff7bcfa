"""The staff web UI: Jinja pages on GOV.UK Frontend."""
