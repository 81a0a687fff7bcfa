"""In-app notifications (issue 15): who is told what, in the header and on a list."""
