"""Each tenant's own OpenID Connect provider: where it is, its client, and its role mapping."""
