"""The tenant registry, provisioning and resolution of the tenant from a request."""
