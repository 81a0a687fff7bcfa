"""Read and change the current tenant's policy settings (inside its transaction)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import fields
from datetime import date
from enum import Enum
from typing import Any
from uuid import UUID

from confide.platform.audit.actions import Action
from confide.platform.audit.services import record as audit
from confide.platform.core.db import NoTenantError, current_tenant_id, transaction_memo
from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import Page, PageRequest
from confide.platform.core.tables import json_list
from confide.tenants.policy import queries
from confide.tenants.policy.schemas import (
    DEFAULT_DOCUMENT_KINDS as DEFAULT_DOCUMENT_KINDS,
)
from confide.tenants.policy.schemas import (
    DEFAULT_PROFESSIONAL_ROLES as DEFAULT_PROFESSIONAL_ROLES,
)
from confide.tenants.policy.schemas import (
    DEFAULT_SUPPORT_LEVELS as DEFAULT_SUPPORT_LEVELS,
)
from confide.tenants.policy.schemas import (
    DEFAULT_TOPICS as DEFAULT_TOPICS,
)
from confide.tenants.policy.schemas import (
    SETTING_GROUPS,
    PolicyChangeView,
)
from confide.tenants.policy.schemas import (
    PolicyView as PolicyView,  # the one typed object each domain reads its settings from
)
from confide.tenants.schemas import ControllerKind, TenantView

MAX_TOPICS = 30
MAX_ROLES = 30
REVIEW_MONTHS = (1, 36)
TELL_CLIENT_DAYS = (1, 60)
# Capacity is judged case by case; a service presumes it from an age in this range (at 16
# the Mental Capacity Act presumes it for everyone).
CAPACITY_AGES = (10, 16)
UNSENT_SHARE_DAYS = (1, 60)
REVIEW_NOTICE_DAYS = (1, 90)
NAME_LENGTH = (2, 80)
BREAK_GLASS_HOURS = (1, 72)
IDLE_MINUTES = (5, 480)
ABSOLUTE_HOURS = (1, 24)
# UK statistics suppress counts below 5 to 10; the database holds the threshold to 2-20.
SUPPRESSION_THRESHOLDS = (2, 20)
RETENTION_YEARS = (1, 25)
RETENTION_BIRTHDAYS = (18, 30)
EXPORT_EXPIRY_DAYS = (1, 30)
DOCUMENT_MAX_MB = (1, 50)  # the routes' body limits allow 50 MB a file (documents/web.py)
POLICY_REVIEW_MONTHS = (6, 36)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


def read_again() -> None:
    """The transaction's next ``get_policy`` reads the row again (after a write to it)."""
    transaction_memo().pop(_MEMO_KEY, None)


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
        return None if kept is None else queries.policy_unchanged(kept[1])

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
    kind = row["controller_kind"]
    return PolicyView(
        session_idle_minutes=row["session_idle_minutes"],
        session_absolute_hours=row["session_absolute_hours"],
        break_glass_hours=row["break_glass_hours"],
        topics=_names(row["enquiry_topics"], DEFAULT_TOPICS),
        support_levels=_names(row["support_level_names"], DEFAULT_SUPPORT_LEVELS),
        professional_roles=_names(row["professional_roles"], DEFAULT_PROFESSIONAL_ROLES),
        consent_review_months=row["consent_review_months"],
        consent_review_notice_days=row["consent_review_notice_days"],
        lapsed_consent_blocks=row["lapsed_consent_blocks"],
        tell_client_days=row["tell_client_days"],
        capacity_age=row["capacity_age"],
        unsent_share_days=row["unsent_share_days"],
        stats_suppression_threshold=row["stats_suppression_threshold"],
        stats_round_to_5=row["stats_round_to_5"],
        stats_year_kind=row["stats_year_kind"],
        retention_years=row["retention_years"],
        retention_birthday=row["retention_birthday"],
        export_expiry_days=row["export_expiry_days"],
        document_max_mb=row["document_max_mb"],
        document_kinds=_names(row["document_kinds"], DEFAULT_DOCUMENT_KINDS),
        controller_kind=None if kind is None else ControllerKind(kind),
        controller_name=row["controller_name"],
        controller_email=row["controller_email"],
        controller_phone=row["controller_phone"],
        controller_address=row["controller_address"],
        policy_review_months=row["policy_review_months"],
        policy_reviewed_on=row["policy_reviewed_on"],
    )


def _plain(value: Any) -> Any:
    """A setting's value as the version keeps it (JSON)."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    return value


async def _save(
    values: dict[str, Any],
    *,
    group: str | None = None,
    changed_by: UUID | None = None,
    action: Action | None = None,
) -> list[str]:
    """Change the named columns of the tenant's one policy row (made on first change) and,
    for a ``group``, keep the change as a version (each setting changed, old and new) and
    audit it with ``action`` (when given) naming the settings changed. The names changed."""
    before = await get_policy()
    transaction_memo().pop(_MEMO_KEY, None)
    await queries.save_policy(current_tenant_id(), values)
    if group is None:
        return []
    after = await get_policy()
    changed = [
        {
            "setting": f.name,
            "old": _plain(getattr(before, f.name)),
            "new": _plain(getattr(after, f.name)),
        }
        for f in fields(PolicyView)
        if getattr(before, f.name) != getattr(after, f.name)
    ]
    if changed:
        await queries.add_change(current_tenant_id(), group, changed, changed_by)
    names = [c["setting"] for c in changed]
    if action is not None and changed:
        await audit(
            action,
            actor_kind="staff" if changed_by else "system",
            actor_id=changed_by,
            # the group, and each setting changed as a flag (names only, never values)
            detail={"group": group, **dict.fromkeys(names, True)},
        )
    return names


def _range_errors(
    errors: dict[str, str], checks: Sequence[tuple[str, int, tuple[int, int], str, str]]
) -> None:
    for field, value, (least, most), what, unit in checks:
        if not least <= value <= most:
            errors[field] = f"{what} must be between {least} and {most}{unit}"


def validate_access(break_glass_hours: int, idle_minutes: int, absolute_hours: int) -> None:
    errors: dict[str, str] = {}
    _range_errors(
        errors,
        (
            (
                "break_glass_hours",
                break_glass_hours,
                BREAK_GLASS_HOURS,
                "The break-glass time box",
                " hours",
            ),
            ("idle_minutes", idle_minutes, IDLE_MINUTES, "The idle timeout", " minutes"),
            ("absolute_hours", absolute_hours, ABSOLUTE_HOURS, "The session lifetime", " hours"),
        ),
    )
    if errors:
        raise Invalid(errors)


async def set_access_settings(
    break_glass_hours: int,
    idle_minutes: int,
    absolute_hours: int,
    *,
    changed_by: UUID | None = None,
) -> PolicyView:
    """How long a break-glass grant opens a case, and how long staff stay signed in (idle,
    and in all); sessions already open keep the limits they started with."""
    validate_access(break_glass_hours, idle_minutes, absolute_hours)
    await _save(
        {
            "break_glass_hours": break_glass_hours,
            "session_idle_minutes": idle_minutes,
            "session_absolute_hours": absolute_hours,
        },
        group="access",
        changed_by=changed_by,
        action=Action.POLICY_SETTINGS_CHANGED,
    )
    return await get_policy()


async def set_session_limits(idle_minutes: int, absolute_hours: int) -> PolicyView:
    if not IDLE_MINUTES[0] <= idle_minutes <= IDLE_MINUTES[1]:
        raise ValueError("idle timeout must be between 5 and 480 minutes")
    if not ABSOLUTE_HOURS[0] <= absolute_hours <= ABSOLUTE_HOURS[1]:
        raise ValueError("session lifetime must be between 1 and 24 hours")
    policy = await get_policy()
    return await set_access_settings(policy.break_glass_hours, idle_minutes, absolute_hours)


async def set_break_glass_hours(hours: int) -> PolicyView:
    """How long a break-glass grant opens a case (the database also holds it to 1-72)."""
    if not BREAK_GLASS_HOURS[0] <= hours <= BREAK_GLASS_HOURS[1]:
        raise ValueError("break-glass time box must be between 1 and 72 hours")
    policy = await get_policy()
    return await set_access_settings(
        hours, policy.session_idle_minutes, policy.session_absolute_hours
    )


def validate_statistics(threshold: int) -> None:
    errors: dict[str, str] = {}
    _range_errors(
        errors,
        (("threshold", threshold, SUPPRESSION_THRESHOLDS, "The suppression threshold", ""),),
    )
    if errors:
        raise Invalid(errors)


#: The kinds of year a service may report on (rule 12).
YEAR_KINDS = ("calendar", "financial", "academic")


async def set_statistics_settings(
    threshold: int,
    round_to_5: bool,
    year_kind: str | None = None,
    *,
    changed_by: UUID | None = None,
) -> PolicyView:
    """Counts below ``threshold`` are suppressed in the statistics (rule 12), counts may
    be rounded to the nearest 5, and the service reports on one kind of year
    (``year_kind``; None: unchanged), which cannot change once a return is released."""
    validate_statistics(threshold)
    policy = await get_policy()
    kind = policy.stats_year_kind if year_kind is None else year_kind
    if kind not in YEAR_KINDS:
        raise Invalid({"year_kind": "Choose calendar, financial or academic years"})
    if kind != policy.stats_year_kind and await queries.any_statistics_release():
        raise Invalid(
            {"year_kind": "The kind of year cannot be changed once a return has been released"}
        )
    try:
        await _save(
            {
                "stats_suppression_threshold": threshold,
                "stats_round_to_5": round_to_5,
                "stats_year_kind": kind,
            },
            group="statistics",
            changed_by=changed_by,
            action=Action.POLICY_SETTINGS_CHANGED,
        )
    except queries.OneKindOfYear:  # a return released meanwhile (the database holds it)
        raise Invalid(
            {"year_kind": "The kind of year cannot be changed once a return has been released"}
        ) from None
    return await get_policy()


def validate_documents(max_mb: int, kinds: Sequence[str]) -> None:
    """A file's size limit within ``DOCUMENT_MAX_MB``; at least one kind, each one of the
    six the product knows, each once."""
    errors: dict[str, str] = {}
    _range_errors(errors, (("max_mb", max_mb, DOCUMENT_MAX_MB, "The size limit", " MB"),))
    if not kinds:
        errors["kinds"] = "Choose at least one kind of document"
    elif any(k not in DEFAULT_DOCUMENT_KINDS for k in kinds) or len(set(kinds)) != len(kinds):
        errors["kinds"] = "Choose kinds of document from the list, each once"
    if errors:
        raise Invalid(errors)


async def set_document_settings(
    max_mb: int, kinds: Sequence[str], *, changed_by: UUID | None = None
) -> PolicyView:
    """One file's size limit and the kinds of document staff choose from (rule 28; the
    uploads read them). Kinds are kept in the product's order; all six are stored as
    NULL, the default."""
    validate_documents(max_mb, kinds)
    ordered = [k for k in DEFAULT_DOCUMENT_KINDS if k in kinds]
    stored = None if tuple(ordered) == DEFAULT_DOCUMENT_KINDS else json.dumps(ordered)
    await _save(
        {"document_max_mb": max_mb, "document_kinds": stored},
        group="documents",
        changed_by=changed_by,
        action=Action.POLICY_SETTINGS_CHANGED,
    )
    return await get_policy()


def validate_retention(years: int, birthday: int, export_days: int = 7) -> None:
    errors: dict[str, str] = {}
    _range_errors(
        errors,
        (
            ("years", years, RETENTION_YEARS, "The years after last contact", ""),
            ("birthday", birthday, RETENTION_BIRTHDAYS, "The birthday", ""),
            ("export_days", export_days, EXPORT_EXPIRY_DAYS, "The days an export is kept",
             " days"),
        ),
    )  # fmt: skip
    if errors:
        raise Invalid(errors)


async def set_retention_settings(
    years: int, birthday: int, *, export_days: int = 7, changed_by: UUID | None = None
) -> PolicyView:
    """A case is kept until the later of ``years`` after its last contact or closure and
    the child's ``birthday`` (rule 14; the retention sweep reads them); an export's file
    ``export_days`` after it was built (rule 29; the exports' expiry reads it)."""
    validate_retention(years, birthday, export_days)
    await _save(
        {
            "retention_years": years,
            "retention_birthday": birthday,
            "export_expiry_days": export_days,
        },
        group="retention",
        changed_by=changed_by,
        action=Action.POLICY_SETTINGS_CHANGED,
    )
    return await get_policy()


def validate_controller(
    kind: str, name: str, email: str, phone: str, address: str
) -> tuple[ControllerKind, str, str, str, str]:
    """The data controller's details tidied; ``Invalid`` naming each field at fault."""
    errors: dict[str, str] = {}
    if kind not in (ControllerKind.COUNCIL, ControllerKind.CHARITY):
        errors["kind"] = "Select who runs the service: the council or a charity"
    check_text(errors, "name", name, label="the data controller's name", low=2, high=120,
               single_line=True)  # fmt: skip
    check_text(errors, "email", email, label="an email address", high=120, single_line=True)
    if "email" not in errors and not _EMAIL.match(email.strip()):
        errors["email"] = "Enter an email address in the right format, like name@example.org"
    check_text(errors, "phone", phone, label="a phone number", high=40, required=False,
               single_line=True)  # fmt: skip
    check_text(errors, "address", address, label="the address", high=400, required=False)
    if errors:
        raise Invalid(errors)
    return ControllerKind(kind), name.strip(), email.strip(), phone.strip(), address.strip()


async def set_controller(
    kind: str, name: str, email: str, phone: str, address: str, *, changed_by: UUID | None = None
) -> PolicyView:
    """Who runs the service (rule 16: the council, or a charity) and how families reach the
    data controller; the published policy's wording follows the kind."""
    clean = validate_controller(kind, name, email, phone, address)
    kind_, name_, email_, phone_, address_ = clean
    await _save(
        {
            "controller_kind": kind_.value,
            "controller_name": name_,
            "controller_email": email_,
            "controller_phone": phone_,
            "controller_address": address_,
        },
        group="controller",
        changed_by=changed_by,
        action=Action.POLICY_SETTINGS_CHANGED,
    )
    return await get_policy()


def validate_review_interval(months: int) -> None:
    errors: dict[str, str] = {}
    _range_errors(
        errors,
        (("review_months", months, POLICY_REVIEW_MONTHS, "The review interval", " months"),),
    )
    if errors:
        raise Invalid(errors)


async def set_policy_review_months(months: int, *, changed_by: UUID | None = None) -> PolicyView:
    """How often the confidentiality policy is reviewed (policy 5.3: two years); the next
    review is due this long after the last."""
    validate_review_interval(months)
    await _save(
        {"policy_review_months": months},
        group="review",
        changed_by=changed_by,
        action=Action.POLICY_SETTINGS_CHANGED,
    )
    return await get_policy()


async def policy_history(page: PageRequest) -> Page[PolicyChangeView]:
    """Every change of the settings, newest first, a page at a time."""
    return await queries.changes(page)


def group_of(name: str) -> str:
    """The group a ``PolicyView`` field is changed in."""
    for group, names in SETTING_GROUPS.items():
        if name in names:
            return group
    raise KeyError(name)


def settings_of(policy: PolicyView, group: str) -> Mapping[str, Any]:
    """A group's settings as plain values (the API's view)."""
    return {name: _plain(getattr(policy, name)) for name in SETTING_GROUPS[group]}


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
        group="case_lists",
        changed_by=changed_by,
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
    review_notice_days: int = 28,
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
        ("review_notice_days", review_notice_days, REVIEW_NOTICE_DAYS, "The days of notice"
         " before a review", ""),
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
    review_notice_days: int = 28,
    changed_by: UUID | None = None,
) -> PolicyView:
    """The tenant's professional roles, consent review interval, what a lapsed consent
    does, the days to tell a client, the age from which capacity is presumed, and the days
    before a share allowed but not sent is listed, and how soon before a consent review is
    due it becomes a task. Recorded consents keep the roles they
    name, even ones later taken off the list; existing review dates are not moved."""
    clean = validate_consent_settings(
        roles,
        review_months,
        tell_client_days,
        capacity_age=capacity_age,
        unsent_share_days=unsent_share_days,
        review_notice_days=review_notice_days,
    )
    stored = None if clean == DEFAULT_PROFESSIONAL_ROLES else json.dumps(list(clean))
    await _save(
        {
            "professional_roles": stored,
            "consent_review_months": review_months,
            "consent_review_notice_days": review_notice_days,
            "lapsed_consent_blocks": lapsed_blocks,
            "tell_client_days": tell_client_days,
            "capacity_age": capacity_age,
            "unsent_share_days": unsent_share_days,
        },
        group="consent",
        changed_by=changed_by,
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
