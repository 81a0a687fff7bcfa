"""The platform operators' forms: signing in, a new tenant, a tenant's status."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from confide.frontend.forms import Form
from confide.platform.core.errors import Invalid
from confide.tenants.schemas import ControllerKind, TenantStatus

EMAIL_SHOWN = 320  # an address longer than any real one is not echoed back whole


class SignInForm(Form):
    """Email, password and a fresh code; only the email is ever shown again."""

    order = ("email",)
    secret = ("password", "code")

    def __init__(
        self,
        values: Mapping[str, str] | None = None,
        lists: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        super().__init__(values, lists)
        self.email = self.text("email")
        self.values["email"] = self.email[:EMAIL_SHOWN]

    def credentials(self) -> tuple[str, str, str]:
        return self.email, self.secret_text("password"), self.secret_text("code")


class NewTenantForm(Form):
    order = ("slug", "display_name", "controller_kind")

    @classmethod
    def blank(cls) -> NewTenantForm:
        return cls({"controller_kind": ControllerKind.COUNCIL.value})

    def tenant(self) -> tuple[str, str, ControllerKind] | None:
        """Slug, name and who runs it; None when any is missing (each problem noted)."""
        if not self.text("slug"):
            self.fail("slug", "Enter the service's short name")
        if not self.text("display_name"):
            self.fail("display_name", "Enter the service's name")
        kind = self.choice(ControllerKind, "controller_kind", "Select who runs the service")
        if not self.ok or kind is None:
            return None
        return self.text("slug"), self.text("display_name"), kind

    def absorb(self, problems: Invalid | Mapping[str, str]) -> None:
        """The registry's problems, each as a sentence."""
        errors = problems.errors if isinstance(problems, Invalid) else problems
        super().absorb({field: text[:1].upper() + text[1:] for field, text in errors.items()})


class TenantStatusForm(Form):
    order = ("status",)

    def status(self) -> TenantStatus | None:
        """The status asked for; None for anything else (the page is then not found)."""
        wanted = self.text("status")
        return TenantStatus(wanted) if wanted in set(TenantStatus) else None
