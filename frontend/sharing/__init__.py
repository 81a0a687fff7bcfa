"""Sharing pages: the share journey with the consent check explained, a manager's
authorisation, recording a share sent (or not), the disclosure log and printable record,
and the tasks to tell the service user."""
