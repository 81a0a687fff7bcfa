"""Retention (rule 14): legal holds, the dry run, and the sweep that erases cases past the
tenant's retention periods, leaving de-identified facts for the statistics."""
