"""The statutory clocks of information requests (rules 9, 11 and 26): pure functions of
dates, no database. Bank holidays come from the maintained ``holidays`` library (the UK's
subdivisions), never a hand-written list.

Subject access (UK GDPR Art. 12(3), the ICO's "time limits for responding"; the Data (Use
and Access) Act 2025 "stop the clock"):

- the clock starts on the day the request is received or, where the service needed proof
  of identity, the day identity was confirmed, whichever is later; that day is day 1;
- it runs one calendar month to the corresponding date of the next month, or that month's
  last day where the date does not exist (31 January to 28 or 29 February);
- while the service waits for clarification the clock stops, and it restarts where it
  stopped: the days waited are added to the date;
- the due date, where it falls on a weekend or a bank holiday, moves to the next working
  day (the service is in England: England's bank holidays);
- it may be extended by up to two further months for a complex or numerous request,
  counted from the same start (three months in all), provided the requester is told
  within the first month: by the one-month due date.

Freedom of information (FOIA s.10): the twentieth working day following the date of
receipt, a working day being any day but a weekend or a bank holiday anywhere in the UK
(England and Wales, Scotland, Northern Ireland); a clarification sought under s.1(3) makes
its answer the new date of receipt; a public-interest extension (s.10(3)) adds at most a
further 20 working days (the ICO's limit), and is recorded with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays

from confide.platform.core.clock import add_months

SUBJECT_ACCESS_MONTHS = 1
MAX_EXTENSION_MONTHS = 2
FOI_WORKING_DAYS = 20
MAX_PUBLIC_INTEREST_DAYS = 20
SATURDAY = 5


class Calendar(StrEnum):
    """Whose bank holidays a clock skips: England's (the service's own), or those of any
    part of the UK (FOI)."""

    ENGLAND = "england"
    UK = "uk"


# The library's subdivisions of the United Kingdom for each calendar.
_SUBDIVISIONS: dict[Calendar, tuple[str, ...]] = {
    Calendar.ENGLAND: ("ENG",),
    Calendar.UK: ("ENG", "WLS", "SCT", "NIR"),
}


@lru_cache(maxsize=512)
def bank_holidays(calendar: Calendar, year: int) -> frozenset[date]:
    """The bank holidays of ``year`` in ``calendar``: for the UK, a day that is one in any
    nation (St Patrick's Day, St Andrew's Day, 2 January, Scotland's August holiday ...)."""
    days: set[date] = set()
    for subdivision in _SUBDIVISIONS[calendar]:
        days.update(holidays.country_holidays("GB", subdiv=subdivision, years=year))
    return frozenset(days)


def is_working_day(day: date, calendar: Calendar) -> bool:
    """Not a Saturday, a Sunday or a bank holiday of ``calendar``."""
    return day.weekday() < SATURDAY and day not in bank_holidays(calendar, day.year)


def next_working_day(day: date, calendar: Calendar) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, calendar):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int, calendar: Calendar) -> date:
    """The ``days``-th working day following ``start`` (``start`` itself never counts,
    whether or not it is a working day)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            days -= 1
    return day


@dataclass(frozen=True)
class Pause:
    """A clarification: asked for on ``asked_on``, answered on ``answered_on`` (``None``
    while the service is still waiting, and the clock is stopped)."""

    asked_on: date
    answered_on: date | None = None

    def __post_init__(self) -> None:
        if self.answered_on is not None and self.answered_on < self.asked_on:
            raise ValueError("a clarification is answered on or after the day it is asked")


def paused_days(pauses: Iterable[Pause], starts_on: date) -> int:
    """The days the clock stood still after it started: each answered pause from the later
    of its asking and the clock's start to its answer, overlapping pauses counted once."""
    spans = sorted(
        (max(pause.asked_on, starts_on), pause.answered_on)
        for pause in pauses
        if pause.answered_on is not None and pause.answered_on > starts_on
    )
    total, reached = 0, starts_on
    for begin, end in spans:
        begin = max(begin, reached)
        if end > begin:
            total += (end - begin).days
            reached = end
    return total


@dataclass(frozen=True)
class SubjectAccessClock:
    """Where a subject access request's clock stands.

    ``starts_on`` is ``None`` while identity is awaited (the clock has not started);
    ``stopped_since`` is the day clarification was asked while it is awaited (the clock is
    stopped, and no due date is known until the answer). Otherwise ``due_on`` is the
    one-month date, ``tell_extension_by`` the day by which the requester must be told of
    an extension (the same day), and ``extended_due_on`` the date with the extension
    recorded (``None`` without one). ``paused_days`` are the days added by answered
    clarifications."""

    starts_on: date | None
    stopped_since: date | None
    paused_days: int
    due_on: date | None
    tell_extension_by: date | None
    extended_due_on: date | None

    @property
    def final_due_on(self) -> date | None:
        """The date the response is due by: the extended one where there is one."""
        return self.extended_due_on or self.due_on


def one_month_from(
    starts_on: date, *, months: int = SUBJECT_ACCESS_MONTHS, paused: int = 0
) -> date:
    """The date ``months`` calendar months from ``starts_on`` (day 1), plus the days the
    clock was stopped, before moving off a weekend or bank holiday: the naive date."""
    return add_months(starts_on, months) + timedelta(days=paused)


def subject_access_clock(
    received_on: date,
    *,
    identity_confirmed_on: date | None,
    pauses: Sequence[Pause] = (),
    extension_months: int = 0,
) -> SubjectAccessClock:
    """The clock of a subject access request received on ``received_on``.

    ``identity_confirmed_on`` is the day identity was confirmed, or the day of receipt
    where no proof was needed; ``None`` while it is awaited. ``extension_months`` is 0, 1
    or 2."""
    if not 0 <= extension_months <= MAX_EXTENSION_MONTHS:
        raise ValueError("an extension is of one or two further months")
    if identity_confirmed_on is None:
        return SubjectAccessClock(None, None, 0, None, None, None)
    starts_on = max(received_on, identity_confirmed_on)
    waiting = [pause for pause in pauses if pause.answered_on is None]
    if waiting:
        stopped_since = max(min(pause.asked_on for pause in waiting), starts_on)
        return SubjectAccessClock(starts_on, stopped_since, 0, None, None, None)
    paused = paused_days(pauses, starts_on)
    due_on = next_working_day(one_month_from(starts_on, paused=paused), Calendar.ENGLAND)
    extended_due_on = (
        next_working_day(
            one_month_from(
                starts_on, months=SUBJECT_ACCESS_MONTHS + extension_months, paused=paused
            ),
            Calendar.ENGLAND,
        )
        if extension_months
        else None
    )
    return SubjectAccessClock(starts_on, None, paused, due_on, due_on, extended_due_on)


@dataclass(frozen=True)
class FoiClock:
    """Where an FOI request's clock stands: ``receipt_on`` is the date of receipt the 20
    working days follow (the clarification's answer where one was sought); ``due_on`` is
    ``None`` while clarification is awaited; ``extended_due_on`` the date with a
    public-interest extension recorded."""

    receipt_on: date
    due_on: date | None
    extended_due_on: date | None

    @property
    def final_due_on(self) -> date | None:
        """The date the response is due by: the extended one where there is one."""
        return self.extended_due_on or self.due_on


def foi_clock(
    received_on: date,
    *,
    clarification: Pause | None = None,
    public_interest_days: int = 0,
) -> FoiClock:
    """The clock of an FOI request received on ``received_on`` (any day, working or not).
    ``public_interest_days`` are the further working days of a public-interest extension
    (0 to 20)."""
    if not 0 <= public_interest_days <= MAX_PUBLIC_INTEREST_DAYS:
        raise ValueError("a public-interest extension is of at most 20 further working days")
    receipt_on = received_on
    if clarification is not None:
        if clarification.answered_on is None:
            return FoiClock(received_on, None, None)
        receipt_on = max(received_on, clarification.answered_on)
    due_on = add_working_days(receipt_on, FOI_WORKING_DAYS, Calendar.UK)
    extended = (
        add_working_days(due_on, public_interest_days, Calendar.UK)
        if public_interest_days
        else None
    )
    return FoiClock(receipt_on, due_on, extended)
