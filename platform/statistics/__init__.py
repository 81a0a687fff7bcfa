"""Statistics (rule 12): the service's figures from its case records and the facts
erased cases leave, and the disclosure control that makes them safe to publish."""
