"""Confide's staff roles. A person may hold several."""

from enum import StrEnum


class StaffRole(StrEnum):
    CASEWORKER = "caseworker"
    MANAGER = "manager"
    TENANT_ADMIN = "tenant_admin"

    @property
    def label(self) -> str:
        return {"caseworker": "Caseworker", "manager": "Manager", "tenant_admin": "Admin"}[self]
