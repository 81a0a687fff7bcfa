"""Read and change the current tenant's policy settings (inside its transaction)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record as audit
from confide.platform.core.db import NoTenantError, current_tenant_id, transaction_memo
from confide.platform.core.errors import Invalid
from confide.platform.core.tables import json_list
from confide.tenants.policy import queries
from confide.tenants.schemas import TenantView

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
MAX_TOPICS = 30
MAX_ROLES = 30
REVIEW_MONTHS = (1, 36)
TELL_CLIENT_DAYS = (1, 60)
# Capacity is judged case by case; a service presumes it from an age in this range (at 16
# the Mental Capacity Act presumes it for everyone).
CAPACITY_AGES = (10, 16)
UNSENT_SHARE_DAYS = (1, 60)
NAME_LENGTH = (2, 80)


@dataclass(frozen=True, slots=True)
class PolicyView:
    session_idle_minutes: int = 30
    session_absolute_hours: int = 10
    break_glass_hours: int = 4
    topics: tuple[str, ...] = DEFAULT_TOPICS
    support_levels: tuple[str, ...] = DEFAULT_SUPPORT_LEVELS
    professional_roles: tuple[str, ...] = DEFAULT_PROFESSIONAL_ROLES
    consent_review_months: int = 12
    lapsed_consent_blocks: bool = True  # False: a lapsed consent still permits, with a warning
    tell_client_days: int = 5
    capacity_age: int = 12  # a young person this old or older is presumed able to decide
    unsent_share_days: int = 5  # an allowed share not sent after this long is listed

    def support_level_name(self, level: int) -> str:
        """The tenant's name for support level 1-4."""
        return self.support_levels[level - 1]


def _names(value: Any, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None:
        return default
    return tuple(json_list(value)) or default


_MEMO_KEY = "tenant_policy"


async def get_policy() -> PolicyView:
    """The tenant's settings; the defaults where it has not set any. Read once per
    transaction: a request asks for it in several places (pages, services, checks)."""
    memo = transaction_memo()
    policy = memo.get(_MEMO_KEY)
    if not isinstance(policy, PolicyView):
        policy = memo[_MEMO_KEY] = await _read_policy()
    return policy


# Each tenant's policy as this process last read it, and the version of its row. A
# request uses it only when its BEGIN found the row unchanged (``keep_policy``).
_KEPT: dict[UUID, tuple[PolicyView, str | None]] = {}
_PENDING = "confide_policy_kept"  # scope state: what ``prepare`` found, for ``enter``


class KeepPolicy:
    """The tenant middleware's hook (``EnterHook``) that spares a request reading its
    tenant's policy: the policy this process kept is checked with the transaction's
    BEGIN and, when its row is unchanged, is the transaction's ``get_policy``."""

    async def prepare(self, scope: Any, tenant: TenantView) -> str | None:
        kept = _KEPT.get(tenant.id)
        scope.setdefault("state", {})[_PENDING] = kept
        return None if kept is None else queries.policy_unchanged(tenant.id, kept[1])

    async def enter(self, scope: Any, tenant: TenantView, checked: bool) -> None:
        kept = scope["state"].pop(_PENDING, None)
        if checked and kept is not None:
            transaction_memo()[_MEMO_KEY] = kept[0]


keep_policy = KeepPolicy()


async def _read_policy() -> PolicyView:
    row = await queries.policy_row()
    policy = _policy(row)
    try:
        tenant_id = current_tenant_id()
    except NoTenantError:  # no tenant, no row: the defaults, nothing to keep
        return policy
    _KEPT[tenant_id] = (policy, None if row is None else row["version__"])
    return policy


def _policy(row: dict[str, Any] | None) -> PolicyView:
    if row is None:
        return PolicyView()
    return PolicyView(
        row["session_idle_minutes"],
        row["session_absolute_hours"],
        row["break_glass_hours"],
        _names(row["enquiry_topics"], DEFAULT_TOPICS),
        _names(row["support_level_names"], DEFAULT_SUPPORT_LEVELS),
        _names(row["professional_roles"], DEFAULT_PROFESSIONAL_ROLES),
        row["consent_review_months"],
        row["lapsed_consent_blocks"],
        row["tell_client_days"],
        row["capacity_age"],
        row["unsent_share_days"],
    )


async def _save(values: dict[str, Any]) -> None:
    """Change the named columns of the tenant's one policy row (made on first change)."""
    transaction_memo().pop(_MEMO_KEY, None)
    await queries.save_policy(current_tenant_id(), values)


async def set_session_limits(idle_minutes: int, absolute_hours: int) -> PolicyView:
    if not 5 <= idle_minutes <= 480:
        raise ValueError("idle timeout must be between 5 and 480 minutes")
    if not 1 <= absolute_hours <= 24:
        raise ValueError("session lifetime must be between 1 and 24 hours")
    await _save(
        {
            "session_idle_minutes": idle_minutes,
            "session_absolute_hours": absolute_hours,
        },
    )
    return await get_policy()


async def set_break_glass_hours(hours: int) -> PolicyView:
    """How long a break-glass grant opens a case (the database also holds it to 1-72)."""
    if not 1 <= hours <= 72:
        raise ValueError("break-glass time box must be between 1 and 72 hours")
    await _save({"break_glass_hours": hours})
    return await get_policy()


def _bad_name(name: str) -> bool:
    low, high = NAME_LENGTH
    return not low <= len(name) <= high or not name.isprintable()


def validate_case_lists(
    topics: Sequence[str], support_levels: Sequence[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The lists tidied (spaces trimmed); ``Invalid`` with each field's problem, if any."""
    errors: dict[str, str] = {}
    clean_topics = tuple(t.strip() for t in topics)
    clean_levels = tuple(s.strip() for s in support_levels)
    low, high = NAME_LENGTH
    if not clean_topics:
        errors["topics"] = "Enter at least one topic"
    elif len(clean_topics) > MAX_TOPICS:
        errors["topics"] = f"Enter {MAX_TOPICS} topics or fewer"
    elif any(_bad_name(t) for t in clean_topics):
        errors["topics"] = f"Each topic must be {low} to {high} characters, on its own line"
    elif len({t.casefold() for t in clean_topics}) != len(clean_topics):
        errors["topics"] = "Enter each topic once"
    if len(clean_levels) != len(DEFAULT_SUPPORT_LEVELS):
        errors["support_levels"] = "Name all four support levels"
    else:
        for level, name in enumerate(clean_levels, start=1):
            if not name:
                errors[f"support_level_{level}"] = f"Enter a name for level {level}"
            elif _bad_name(name):
                errors[f"support_level_{level}"] = (
                    f"The name for level {level} must be {low} to {high} characters"
                )
    if errors:
        raise Invalid(errors)
    return clean_topics, clean_levels


async def set_case_lists(
    topics: Sequence[str], support_levels: Sequence[str], *, changed_by: UUID | None = None
) -> PolicyView:
    """The tenant's enquiry topics and support level names; the defaults are stored as NULL,
    so a tenant that has not changed them follows the service's defaults. Cases keep the
    topics they were recorded with, even ones later taken off the list."""
    clean_topics, clean_levels = validate_case_lists(topics, support_levels)
    stored_topics = None if clean_topics == DEFAULT_TOPICS else json.dumps(list(clean_topics))
    stored_levels = (
        None if clean_levels == DEFAULT_SUPPORT_LEVELS else json.dumps(list(clean_levels))
    )
    await _save(
        {
            "enquiry_topics": stored_topics,
            "support_level_names": stored_levels,
        },
    )
    await audit(
        Action.CASE_LISTS_CHANGED,
        actor_kind="staff" if changed_by else "system",
        actor_id=changed_by,
        detail={
            "topic_count": len(clean_topics),
            "support_level_count": len(clean_levels),
            "default_topics": stored_topics is None,
            "default_support_levels": stored_levels is None,
        },
    )
    return await get_policy()


def validate_consent_settings(
    roles: Sequence[str],
    review_months: int,
    tell_client_days: int,
    *,
    capacity_age: int,
    unsent_share_days: int,
) -> tuple[str, ...]:
    """The roles tidied (spaces trimmed, blank lines dropped); ``Invalid`` with each
    field's problem, if any."""
    errors: dict[str, str] = {}
    clean = tuple(r.strip() for r in roles if r.strip())
    low, high = NAME_LENGTH
    if not clean:
        errors["roles"] = "Enter at least one professional role"
    elif len(clean) > MAX_ROLES:
        errors["roles"] = f"Enter {MAX_ROLES} roles or fewer"
    elif any(_bad_name(r) for r in clean):
        errors["roles"] = f"Each role must be {low} to {high} characters, on its own line"
    elif len({r.casefold() for r in clean}) != len(clean):
        errors["roles"] = "Enter each role once"
    for field, value, (least, most), what, unit in (
        ("review_months", review_months, REVIEW_MONTHS, "The review interval", " months"),
        ("tell_client_days", tell_client_days, TELL_CLIENT_DAYS, "The days to tell a client", ""),
        ("capacity_age", capacity_age, CAPACITY_AGES, "The age of capacity", ""),
        ("unsent_share_days", unsent_share_days, UNSENT_SHARE_DAYS, "The days before an unsent"
         " share is listed", ""),
    ):  # fmt: skip
        if not least <= value <= most:
            errors[field] = f"{what} must be between {least} and {most}{unit}"
    if errors:
        raise Invalid(errors)
    return clean


async def set_consent_settings(
    roles: Sequence[str],
    review_months: int,
    lapsed_blocks: bool,
    tell_client_days: int,
    *,
    capacity_age: int,
    unsent_share_days: int,
    changed_by: UUID | None = None,
) -> PolicyView:
    """The tenant's professional roles, consent review interval, what a lapsed consent
    does, the days to tell a client, the age from which capacity is presumed, and the days
    before a share allowed but not sent is listed. Recorded consents keep the roles they
    name, even ones later taken off the list; existing review dates are not moved."""
    clean = validate_consent_settings(
        roles,
        review_months,
        tell_client_days,
        capacity_age=capacity_age,
        unsent_share_days=unsent_share_days,
    )
    stored = None if clean == DEFAULT_PROFESSIONAL_ROLES else json.dumps(list(clean))
    await _save(
        {
            "professional_roles": stored,
            "consent_review_months": review_months,
            "lapsed_consent_blocks": lapsed_blocks,
            "tell_client_days": tell_client_days,
            "capacity_age": capacity_age,
            "unsent_share_days": unsent_share_days,
        },
    )
    await audit(
        Action.CONSENT_SETTINGS_CHANGED,
        actor_kind="staff" if changed_by else "system",
        actor_id=changed_by,
        detail={
            "role_count": len(clean),
            "default_roles": stored is None,
            "review_months": review_months,
            "lapsed_blocks": lapsed_blocks,
            "tell_client_days": tell_client_days,
            "capacity_age": capacity_age,
            "unsent_share_days": unsent_share_days,
        },
    )
    return await get_policy()
