"""The tenant admin's forms: sign-in settings, topics and support levels, consent settings,
a member of staff's status."""

from __future__ import annotations

from dataclasses import dataclass

from confide.frontend.forms import Form
from confide.platform.core.errors import Invalid
from confide.platform.identity.schemas import StaffStatus
from confide.tenants.policy.services import (
    CAPACITY_AGES,
    REVIEW_MONTHS,
    REVIEW_NOTICE_DAYS,
    TELL_CLIENT_DAYS,
    UNSENT_SHARE_DAYS,
    PolicyView,
)
from confide.tenants.roles import StaffRole
from confide.tenants.sso.schemas import SsoSettings, SsoView

ROLE_FIELDS = {
    "groups_caseworker": StaffRole.CASEWORKER,
    "groups_manager": StaffRole.MANAGER,
    "groups_admin": StaffRole.TENANT_ADMIN,
}
SUPPORT_LEVELS = range(1, 5)
LAPSED_BLOCKS = "blocks"
LAPSED_WARNS = "warns"


def lines(text: str) -> list[str]:
    """A textarea's non-blank lines, trimmed: one entry a line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class SsoForm(Form):
    """The tenant's identity provider and who gets which role (how long sessions last is a
    policy setting: the access group, ``frontend/admin/policy.py``)."""

    order = (
        "issuer",
        "client_id",
        "client_secret",
        "scopes",
        "groups_claim",
        "allowed_email_domains",
        "role_mapping",
        *ROLE_FIELDS,
    )
    secret = ("client_secret",)

    @classmethod
    def of(cls, sso: SsoView | None) -> SsoForm:
        """What is stored (never the secret), or a new provider's usual scopes and claim."""
        values = {
            "issuer": sso.issuer if sso else "",
            "client_id": sso.client_id if sso else "",
            "scopes": sso.scopes if sso else "openid profile email",
            "groups_claim": sso.groups_claim if sso else "groups",
            "allowed_email_domains": ", ".join(sso.allowed_email_domains) if sso else "",
        }
        mapping = sso.role_mapping if sso else {}
        for name, role in ROLE_FIELDS.items():
            values[name] = "\n".join(sorted(g for g, roles in mapping.items() if role in roles))
        return cls(values)

    def settings(self) -> SsoSettings:
        """The provider's settings; an empty secret keeps the one stored."""
        mapping: dict[str, set[StaffRole]] = {}
        for name, role in ROLE_FIELDS.items():
            for group in lines(self.text(name)):
                mapping.setdefault(group, set()).add(role)
        domains = self.text("allowed_email_domains").split(",")
        return SsoSettings(
            issuer=self.text("issuer"),
            client_id=self.text("client_id"),
            client_secret=self.secret_text("client_secret") or None,
            scopes=self.text("scopes"),
            groups_claim=self.text("groups_claim"),
            role_mapping={group: tuple(sorted(roles)) for group, roles in mapping.items()},
            allowed_email_domains=tuple(d.strip().lower() for d in domains if d.strip()),
        )


class CaseListsForm(Form):
    """The tenant's enquiry topics (one a line) and its names for support levels 1-4."""

    order = ("topics", *(f"support_level_{level}" for level in SUPPORT_LEVELS))

    @classmethod
    def of(cls, policy: PolicyView) -> CaseListsForm:
        values = {"topics": "\n".join(policy.topics)}
        for level, name in enumerate(policy.support_levels, start=1):
            values[f"support_level_{level}"] = name
        return cls(values)

    def field_of(self, key: str) -> str:
        return "support_level_1" if key == "support_levels" else key

    def topics(self) -> list[str]:
        return lines(self.text("topics"))

    def support_levels(self) -> list[str]:
        return [self.text(f"support_level_{level}") for level in SUPPORT_LEVELS]


@dataclass(frozen=True, slots=True)
class ConsentSettings:
    """The consent and disclosure settings, as ``set_consent_settings`` takes them."""

    roles: list[str]
    review_months: int
    lapsed_blocks: bool
    tell_client_days: int
    capacity_age: int
    unsent_share_days: int
    review_notice_days: int


class ConsentSettingsForm(Form):
    """Professional roles, the review interval, what a lapsed consent does, days to tell,
    the age from which capacity is presumed, days before an unsent share is listed, days of
    notice before a consent review."""

    order = (
        "roles",
        "review_months",
        "review_notice_days",
        "lapsed",
        "tell_client_days",
        "capacity_age",
        "unsent_share_days",
    )

    @classmethod
    def of(cls, policy: PolicyView) -> ConsentSettingsForm:
        return cls(
            {
                "roles": "\n".join(policy.professional_roles),
                "review_months": str(policy.consent_review_months),
                "review_notice_days": str(policy.consent_review_notice_days),
                "lapsed": LAPSED_BLOCKS if policy.lapsed_consent_blocks else LAPSED_WARNS,
                "tell_client_days": str(policy.tell_client_days),
                "capacity_age": str(policy.capacity_age),
                "unsent_share_days": str(policy.unsent_share_days),
            }
        )

    def settings(self) -> ConsentSettings:
        """The settings, with the lowest allowed value standing in for a number that could
        not be read (its problem is on the form), so the service's checks run on the rest."""

        def number(name: str, message: str, bounds: tuple[int, int]) -> int:
            found = self.number(name, message)
            return bounds[0] if found is None else found

        lapsed = self.text("lapsed")
        if lapsed not in (LAPSED_BLOCKS, LAPSED_WARNS):
            self.fail("lapsed", "Select what a consent past its review date does")
        return ConsentSettings(
            roles=lines(self.text("roles")),
            review_months=number(
                "review_months",
                "Enter the review interval as a whole number of months",
                REVIEW_MONTHS,
            ),
            lapsed_blocks=lapsed == LAPSED_BLOCKS,
            tell_client_days=number(
                "tell_client_days",
                "Enter the days to tell a client as a whole number",
                TELL_CLIENT_DAYS,
            ),
            capacity_age=number(
                "capacity_age",
                "Enter the age of capacity as a whole number of years",
                CAPACITY_AGES,
            ),
            unsent_share_days=number(
                "unsent_share_days",
                "Enter the days before an unsent share is listed as a number",
                UNSENT_SHARE_DAYS,
            ),
            review_notice_days=number(
                "review_notice_days",
                "Enter the days of notice before a review as a whole number",
                REVIEW_NOTICE_DAYS,
            ),
        )


class StaffStatusForm(Form):
    """Suspend or restore a member of staff."""

    order = ("status",)

    def status(self) -> StaffStatus:
        """The status asked for; anything else is refused, naming the field (only a
        hand-made request can send it: the page offers the two buttons)."""
        wanted = self.text("status")
        if wanted not in (StaffStatus.ACTIVE, StaffStatus.SUSPENDED):
            raise Invalid({"status": "Choose active or suspended"})
        return StaffStatus(wanted)


class SettingsForm(Form):
    """A group of policy settings: whole numbers and yes/no answers, read by name."""

    def whole(self, name: str, message: str) -> int:
        """The number typed, or 0 (its problem noted) so the service's checks run on the rest."""
        found = self.number(name, message)
        return 0 if found is None else found

    def yes_no(self, name: str, message: str) -> bool:
        answer = self.text(name)
        if answer not in ("yes", "no"):
            self.fail(name, message)
        return answer == "yes"


class AccessForm(SettingsForm):
    order = ("break_glass_hours", "idle_minutes", "absolute_hours")

    @classmethod
    def of(cls, policy: PolicyView) -> AccessForm:
        return cls(
            {
                "break_glass_hours": str(policy.break_glass_hours),
                "idle_minutes": str(policy.session_idle_minutes),
                "absolute_hours": str(policy.session_absolute_hours),
            }
        )


class StatisticsForm(SettingsForm):
    order = ("threshold", "round_to_5", "year_kind")

    @classmethod
    def of(cls, policy: PolicyView) -> StatisticsForm:
        return cls(
            {
                "threshold": str(policy.stats_suppression_threshold),
                "round_to_5": "yes" if policy.stats_round_to_5 else "no",
                "year_kind": policy.stats_year_kind,
            }
        )


class RetentionForm(SettingsForm):
    order = ("years", "birthday", "export_days")

    @classmethod
    def of(cls, policy: PolicyView) -> RetentionForm:
        return cls(
            {
                "years": str(policy.retention_years),
                "birthday": str(policy.retention_birthday),
                "export_days": str(policy.export_expiry_days),
            }
        )


class DocumentsForm(SettingsForm):
    order = ("max_mb", "kinds")
    lists = ("kinds",)

    @classmethod
    def of(cls, policy: PolicyView) -> DocumentsForm:
        return cls({"max_mb": str(policy.document_max_mb)}, lists={"kinds": policy.document_kinds})


class ControllerForm(SettingsForm):
    order = ("kind", "name", "email", "phone", "address")

    @classmethod
    def of(cls, policy: PolicyView, registered: str) -> ControllerForm:
        return cls(
            {
                "kind": policy.controller_kind.value if policy.controller_kind else registered,
                "name": policy.controller_name,
                "email": policy.controller_email,
                "phone": policy.controller_phone,
                "address": policy.controller_address,
            }
        )


class DocumentForm(SettingsForm):
    order = ("review_months", "introduction", "storage", "complaints")

    @classmethod
    def of(cls, policy: PolicyView, sections: dict[str, str]) -> DocumentForm:
        return cls({"review_months": str(policy.policy_review_months), **sections})


class PolicyReviewForm(Form):
    order = ("reviewed_on", "note")
    dates = ("reviewed_on",)
