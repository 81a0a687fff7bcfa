"""The tenants every run makes, and how tests refer to them."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID


@dataclass(frozen=True)
class TenantRef:
    id: UUID
    slug: str
    name: str


# Made by ``confide tenants create`` at the start of the run (gamma then suspended); the
# demo tenants northmoor and eastdale come from ``confide seed-demo``.
TENANTS = {
    "alpha": "Alphaton SEND Information, Advice and Support Service",
    "beta": "Betaford SENDIASS",
    "gamma": "Gammashire SENDIASS (suspended)",
}
