"""The kernel: settings, database and tenant context, logging, security primitives."""
