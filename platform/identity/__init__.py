"""Who is signed in: staff users from each tenant's own provider, their sessions and roles."""
