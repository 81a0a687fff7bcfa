"""Case work: people, enquiries (cases), contacts and notes, and who may open them."""
