"""What the rest of Confide knows of a tenant's policy: the settings as one typed object
(``PolicyView``, read by each domain that uses a setting), the groups an admin changes
together, the versions of changes, the service's own text and the reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from confide.tenants.schemas import ControllerKind

DEFAULT_TOPICS: tuple[str, ...] = (
    "EHC needs assessment",
    "EHC plan",
    "School placement",
    "Exclusion",
    "Transport",
    "Tribunal or mediation",
    "Other",
)
# The names of support levels 1-4, in order (the levels themselves are fixed: cases hold 1-4).
DEFAULT_SUPPORT_LEVELS: tuple[str, ...] = (
    "Information",
    "Advice",
    "Individual support",
    "Intensive casework",
)
# The professional roles a consent may be restricted to (policy 4.2).
DEFAULT_PROFESSIONAL_ROLES: tuple[str, ...] = (
    "School or SENCO",
    "Local authority SEN team",
    "Health",
    "Social care",
    "Educational psychologist",
)

# The kinds of document a case may hold (rule 28), as ``documents.schemas.DocumentKind``
# names them; a service offers all of them or some.
DEFAULT_DOCUMENT_KINDS: tuple[str, ...] = (
    "ehc_plan",
    "decision_letter",
    "report",
    "consent_form",
    "correspondence",
    "other",
)


@dataclass(frozen=True, slots=True)
class PolicyView:
    session_idle_minutes: int = 30
    session_absolute_hours: int = 10
    break_glass_hours: int = 4
    topics: tuple[str, ...] = DEFAULT_TOPICS
    support_levels: tuple[str, ...] = DEFAULT_SUPPORT_LEVELS
    professional_roles: tuple[str, ...] = DEFAULT_PROFESSIONAL_ROLES
    consent_review_months: int = 12
    consent_review_notice_days: int = 28  # a review due this soon becomes a task
    lapsed_consent_blocks: bool = True  # False: a lapsed consent still permits, with a warning
    tell_client_days: int = 5
    capacity_age: int = 12  # a young person this old or older is presumed able to decide
    unsent_share_days: int = 5  # an allowed share not sent after this long is listed
    # Statistics (rule 12): counts below the threshold are suppressed; rounding to 5.
    stats_suppression_threshold: int = 5
    stats_round_to_5: bool = False
    stats_year_kind: str = "calendar"
    # Retention (rule 14): the later of N years after last contact or closure and the
    # child's Nth birthday.
    retention_years: int = 6
    retention_birthday: int = 25
    export_expiry_days: int = 7  # an export's file is deleted this long after it is built
    # Documents (rule 28): one file's size limit in MB, and the kinds staff choose from.
    document_max_mb: int = 25
    document_kinds: tuple[str, ...] = DEFAULT_DOCUMENT_KINDS
    # The data controller (rule 16); None: the kind the tenant was registered with.
    controller_kind: ControllerKind | None = None
    controller_name: str = ""
    controller_email: str = ""
    controller_phone: str = ""
    controller_address: str = ""
    # The confidentiality policy's review (policy 5.3): every N months from the last.
    policy_review_months: int = 24
    policy_reviewed_on: date | None = None

    def support_level_name(self, level: int) -> str:
        """The tenant's name for support level 1-4."""
        return self.support_levels[level - 1]

    def controller(self, registered: ControllerKind) -> ControllerKind:
        """Who runs the service: the setting, or the kind the tenant was registered with."""
        return self.controller_kind or registered


# The groups of settings an admin changes together, each on its own page (and at
# ``PUT /api/policy/<group>``), and the ``PolicyView`` fields each holds.
SETTING_GROUPS: dict[str, tuple[str, ...]] = {
    "consent": (
        "professional_roles",
        "consent_review_months",
        "consent_review_notice_days",
        "lapsed_consent_blocks",
        "tell_client_days",
        "capacity_age",
        "unsent_share_days",
    ),
    "access": ("break_glass_hours", "session_idle_minutes", "session_absolute_hours"),
    "statistics": ("stats_suppression_threshold", "stats_round_to_5", "stats_year_kind"),
    "retention": ("retention_years", "retention_birthday", "export_expiry_days"),
    "controller": (
        "controller_kind",
        "controller_name",
        "controller_email",
        "controller_phone",
        "controller_address",
    ),
    "review": ("policy_review_months",),
    "documents": ("document_max_mb", "document_kinds"),
    "case_lists": ("topics", "support_levels"),
}


@dataclass(frozen=True, slots=True)
class SettingChange:
    setting: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class PolicyChangeView:
    """One saved change: the group, each setting's old and new value, who and when."""

    id: UUID
    group: str
    changes: list[SettingChange]
    changed_by: UUID | None
    changed_at: datetime


# The service's own text of its confidentiality policy, by section: what the settings
# cannot say. Each section is shown under its heading in the policy families read.
TEXT_SECTIONS: dict[str, str] = {
    "introduction": "About the service",
    "storage": "How we keep your records",
    "complaints": "Comments and complaints",
}
TEXT_LENGTH = 5000


@dataclass(frozen=True, slots=True)
class PolicyTextView:
    """A version of the service's own text (version 0: nothing written yet)."""

    version: int
    sections: dict[str, str]
    written_by: UUID | None
    written_at: datetime | None


@dataclass(frozen=True, slots=True)
class PolicyReviewView:
    id: UUID
    reviewed_on: date
    note: str
    reviewed_by: UUID
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class ReviewStatus:
    """When the policy was last reviewed (None: never), when the next review is due,
    and whether that is past."""

    last_reviewed_on: date | None
    due_on: date
    overdue: bool


class NewPolicyReview(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A review of the confidentiality policy: the day it was reviewed, and a note."""

    reviewed_on: date
    note: str = ""


class PolicyTextIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The service's own text: each section's text (a section left out is empty)."""

    introduction: str = ""
    storage: str = ""
    complaints: str = ""

    def sections(self) -> dict[str, str]:
        return {"introduction": self.introduction, "storage": self.storage,
                "complaints": self.complaints}  # fmt: skip


# What the API takes for each group of settings (``PUT /api/policy/<group>``); the services
# check the ranges and answer ``Invalid`` naming the field.
class ConsentSettingsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    professional_roles: list[str]
    consent_review_months: int
    lapsed_consent_blocks: bool
    consent_review_notice_days: int = 28
    tell_client_days: int
    capacity_age: int
    unsent_share_days: int


class AccessSettingsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    break_glass_hours: int
    session_idle_minutes: int
    session_absolute_hours: int


class StatisticsSettingsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    stats_suppression_threshold: int
    stats_round_to_5: bool
    stats_year_kind: str | None = None  # unchanged when left out


class RetentionSettingsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    retention_years: int
    retention_birthday: int
    export_expiry_days: int = 7


class DocumentSettingsIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    document_max_mb: int
    document_kinds: list[str]


class ControllerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    controller_kind: str
    controller_name: str
    controller_email: str
    controller_phone: str = ""
    controller_address: str = ""


class ReviewIntervalIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    policy_review_months: int
