"""The statutory clocks of information requests (rules 9, 11 and 26), without the database:
the ICO's worked examples as fixed cases, month ends and leap years, weekends and the bank
holidays of each UK nation, extension, identity and the stopped clock; then properties over
many years of dates (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from confide.platform.core.clock import add_months
from confide.platform.core.deadlines import (
    Calendar,
    Pause,
    add_working_days,
    bank_holidays,
    foi_clock,
    is_working_day,
    next_working_day,
    paused_days,
    subject_access_clock,
)


def _due(received: date) -> date | None:
    return subject_access_clock(received, identity_confirmed_on=received).due_on


# (id, received, due): the day of receipt is day 1; the corresponding date next month.
SUBJECT_ACCESS = [
    # The ICO's own examples ("time limits for responding", right of access guidance).
    ("ICO: 3 September is due 3 October", date(2025, 9, 3), date(2025, 10, 3)),
    ("ICO: 31 January is due 28 February", date(2025, 1, 31), date(2025, 2, 28)),
    ("ICO: ... or 29 February in a leap year", date(2024, 1, 31), date(2024, 2, 29)),
    ("ICO: 30 March is due 30 April", date(2026, 3, 30), date(2026, 4, 30)),
    # ICO: received 1 April; 1 May is a weekend or holiday: the next working day. 1 May 2027
    # is a Saturday, and Monday 3 May the early May bank holiday.
    ("ICO: 1 April, 1 May not a working day", date(2027, 4, 1), date(2027, 5, 4)),
    # Month ends and leap years.
    ("30 January, a short month", date(2026, 1, 30), date(2026, 3, 2)),  # 28th a Saturday
    ("29 January in a leap year", date(2028, 1, 29), date(2028, 2, 29)),
    ("31 March to 30 April", date(2027, 3, 31), date(2027, 4, 30)),
    ("31 August to 30 September", date(2026, 8, 31), date(2026, 9, 30)),
    ("31 December to 31 January", date(2026, 12, 31), date(2027, 2, 1)),  # 31st a Sunday
    ("29 February to 29 March", date(2028, 2, 29), date(2028, 3, 29)),
    # Weekends and England's bank holidays.
    ("due on a Saturday", date(2026, 9, 3), date(2026, 10, 5)),
    ("due on a Sunday", date(2026, 9, 4), date(2026, 10, 5)),
    ("received on a Sunday still counts", date(2026, 11, 29), date(2026, 12, 29)),
    ("Christmas, a weekend, Boxing Day observed", date(2026, 11, 25), date(2026, 12, 29)),
    ("Easter Monday", date(2026, 3, 6), date(2026, 4, 7)),  # Good Friday 3rd, Monday 6th
    ("England's late summer bank holiday", date(2026, 7, 31), date(2026, 9, 1)),
    ("New Year's Day", date(2026, 12, 1), date(2027, 1, 4)),  # 1 Jan a Friday, then a weekend
    # Another nation's holiday is a working day for an English service.
    ("St Patrick's Day (Northern Ireland)", date(2026, 2, 17), date(2026, 3, 17)),
    ("St Andrew's Day (Scotland)", date(2026, 10, 30), date(2026, 11, 30)),
    ("2 January (Scotland)", date(2026, 12, 2), date(2027, 1, 4)),  # 2 Jan 2027 a Saturday
]


@pytest.mark.parametrize(
    ("received", "due"),
    [case[1:] for case in SUBJECT_ACCESS],
    ids=[case[0] for case in SUBJECT_ACCESS],
)
def test_a_subject_access_request_is_due_a_calendar_month_on(received: date, due: date) -> None:
    assert _due(received) == due


def test_the_clock_starts_when_identity_is_confirmed() -> None:
    waiting = subject_access_clock(date(2026, 9, 3), identity_confirmed_on=None)
    assert (waiting.starts_on, waiting.due_on, waiting.final_due_on) == (None, None, None)
    confirmed = subject_access_clock(date(2026, 9, 3), identity_confirmed_on=date(2026, 9, 10))
    assert (confirmed.starts_on, confirmed.due_on) == (date(2026, 9, 10), date(2026, 10, 12))
    # Identity "confirmed" before receipt (a known requester): the receipt starts it.
    known = subject_access_clock(date(2026, 9, 3), identity_confirmed_on=date(2026, 9, 1))
    assert known.due_on == date(2026, 10, 5)


def test_the_clock_stops_for_clarification_and_restarts_where_it_stopped() -> None:
    received = date(2027, 2, 15)  # a Monday; due Monday 15 March without a pause
    assert _due(received) == date(2027, 3, 15)
    asked = subject_access_clock(
        received, identity_confirmed_on=received, pauses=[Pause(date(2027, 2, 20))]
    )
    assert (asked.stopped_since, asked.due_on) == (date(2027, 2, 20), None)
    # Answered five days later: five days on, Saturday 20 March, so Monday 22nd.
    answered = subject_access_clock(
        received,
        identity_confirmed_on=received,
        pauses=[Pause(date(2027, 2, 20), date(2027, 2, 25))],
    )
    assert (answered.stopped_since, answered.paused_days) == (None, 5)
    assert answered.due_on == date(2027, 3, 22)
    # Asked and answered the same day: no time lost.
    same_day = [Pause(date(2027, 2, 20), date(2027, 2, 20))]
    clock = subject_access_clock(received, identity_confirmed_on=received, pauses=same_day)
    assert clock.due_on == date(2027, 3, 15)


@pytest.mark.parametrize(
    ("pauses", "starts_on", "days"),
    [
        ([], date(2026, 5, 1), 0),
        ([Pause(date(2026, 5, 4), date(2026, 5, 9))], date(2026, 5, 1), 5),
        # Two pauses one after the other add up.
        (
            [
                Pause(date(2026, 5, 4), date(2026, 5, 9)),
                Pause(date(2026, 5, 20), date(2026, 5, 22)),
            ],
            date(2026, 5, 1),
            7,
        ),
        # Overlapping pauses count each stopped day once.
        (
            [Pause(date(2026, 5, 4), date(2026, 5, 9)), Pause(date(2026, 5, 6), date(2026, 5, 12))],
            date(2026, 5, 1),
            8,
        ),
        # Asked before the clock started (identity still awaited): only the days after count.
        ([Pause(date(2026, 4, 20), date(2026, 5, 3))], date(2026, 5, 1), 2),
        ([Pause(date(2026, 4, 20), date(2026, 4, 25))], date(2026, 5, 1), 0),
        ([Pause(date(2026, 5, 4))], date(2026, 5, 1), 0),  # still waiting: not counted yet
    ],
)
def test_paused_days(pauses: list[Pause], starts_on: date, days: int) -> None:
    assert paused_days(pauses, starts_on) == days


def test_a_clarification_cannot_be_answered_before_it_is_asked() -> None:
    with pytest.raises(ValueError, match="answered on or after"):
        Pause(date(2026, 5, 4), date(2026, 5, 3))


@pytest.mark.parametrize(
    ("received", "months", "tell_by", "extended"),
    [
        # Three months from the same start; the requester is told by the one-month date.
        (date(2025, 9, 3), 2, date(2025, 10, 3), date(2025, 12, 3)),
        (date(2025, 9, 3), 1, date(2025, 10, 3), date(2025, 11, 3)),
        # From the 31st: 30 April, not two months on from 28 February.
        (date(2027, 1, 31), 2, date(2027, 3, 1), date(2027, 4, 30)),
        # The extended date moves off Christmas Day and Boxing Day (observed) too.
        (date(2026, 9, 25), 2, date(2026, 10, 26), date(2026, 12, 29)),
    ],
)
def test_an_extension_is_counted_from_the_start_and_told_within_the_first_month(
    received: date, months: int, tell_by: date, extended: date
) -> None:
    clock = subject_access_clock(received, identity_confirmed_on=received, extension_months=months)
    assert (clock.tell_extension_by, clock.extended_due_on) == (tell_by, extended)
    assert clock.final_due_on == extended


def test_an_extension_is_of_one_or_two_months() -> None:
    for months in (-1, 3):
        with pytest.raises(ValueError, match="one or two further months"):
            subject_access_clock(
                date(2026, 1, 5), identity_confirmed_on=date(2026, 1, 5), extension_months=months
            )


# (id, received, due): the twentieth working day following the date of receipt, no bank
# holiday anywhere in the UK counted.
FOI = [
    ("an ordinary month", date(2026, 10, 1), date(2026, 10, 29)),
    ("received on a Saturday: Monday is day 1", date(2026, 10, 3), date(2026, 10, 30)),
    # A one-off bank holiday proclaimed in Scotland alone (the World Cup, 15 June 2026):
    # why the holidays come from a maintained library.
    ("a holiday proclaimed in Scotland", date(2026, 6, 1), date(2026, 6, 30)),
    ("St Patrick's Day (Northern Ireland only)", date(2026, 3, 2), date(2026, 3, 31)),
    ("St Andrew's Day (Scotland only)", date(2026, 11, 9), date(2026, 12, 8)),
    ("Battle of the Boyne (Northern Ireland only)", date(2027, 6, 21), date(2027, 7, 20)),
    ("Scotland's first Monday in August", date(2026, 7, 13), date(2026, 8, 11)),
    ("England's last Monday in August", date(2026, 8, 10), date(2026, 9, 8)),
    ("Easter: Good Friday and Easter Monday", date(2026, 3, 20), date(2026, 4, 21)),
    ("Christmas and New Year, 2 January in Scotland", date(2026, 12, 7), date(2027, 1, 8)),
]


@pytest.mark.parametrize(
    ("received", "due"), [case[1:] for case in FOI], ids=[case[0] for case in FOI]
)
def test_an_foi_request_is_due_the_twentieth_working_day_anywhere_in_the_uk(
    received: date, due: date
) -> None:
    assert foi_clock(received).due_on == due


def test_each_nations_holidays_are_in_the_uk_calendar_and_only_englands_in_englands() -> None:
    england, uk = bank_holidays(Calendar.ENGLAND, 2026), bank_holidays(Calendar.UK, 2026)
    only_elsewhere = {
        date(2026, 1, 2),  # Scotland
        date(2026, 3, 17),  # Northern Ireland
        date(2026, 8, 3),  # Scotland
        date(2026, 11, 30),  # Scotland
    }
    assert only_elsewhere <= uk
    assert not only_elsewhere & england
    assert england <= uk
    assert {date(2026, 4, 6), date(2026, 8, 31)} <= england  # Easter Monday, late summer


def test_an_foi_clarification_is_a_new_date_of_receipt_and_an_extension_is_recorded() -> None:
    waiting = foi_clock(date(2026, 10, 1), clarification=Pause(date(2026, 10, 2)))
    assert (waiting.due_on, waiting.final_due_on) == (None, None)
    asked = Pause(date(2026, 10, 2), date(2026, 10, 3))
    answered = foi_clock(date(2026, 10, 1), clarification=asked)
    assert (answered.receipt_on, answered.due_on) == (date(2026, 10, 3), date(2026, 10, 30))
    extended = foi_clock(date(2026, 10, 1), public_interest_days=20)
    assert (extended.due_on, extended.extended_due_on) == (date(2026, 10, 29), date(2026, 11, 26))
    assert extended.final_due_on == date(2026, 11, 26)
    with pytest.raises(ValueError, match="at most 20"):
        foi_clock(date(2026, 10, 1), public_interest_days=21)


# Properties over many years: 1990 to 2080, every weekday and month end among them.
DAYS = st.dates(min_value=date(1990, 1, 1), max_value=date(2080, 12, 31))
PROPERTIES = settings(max_examples=400, deadline=None, database=None)


@PROPERTIES
@given(received=DAYS)
def test_a_subject_access_due_date_is_an_english_working_day_soon_after_the_naive_date(
    received: date,
) -> None:
    due = _due(received)
    assert due is not None
    naive = add_months(received, 1)
    assert is_working_day(due, Calendar.ENGLAND)
    assert naive <= due <= naive + timedelta(days=5)  # never before; at worst Christmas
    assert all(not is_working_day(day, Calendar.ENGLAND) for day in _between(naive, due))
    assert 28 <= (naive - received).days <= 31
    # The corresponding date, or the month's last day where there is none.
    assert naive.day == received.day or (naive + timedelta(days=1)).day == 1


@PROPERTIES
@given(first=DAYS, second=DAYS)
def test_a_later_receipt_is_never_due_earlier(first: date, second: date) -> None:
    first, second = min(first, second), max(first, second)
    assert _due(first) <= _due(second)  # type: ignore[operator]
    assert foi_clock(first).due_on <= foi_clock(second).due_on  # type: ignore[operator]


@PROPERTIES
@given(
    received=DAYS,
    identity_after=st.integers(0, 60),
    asked_after=st.integers(0, 40),
    waited=st.integers(0, 90),
)
def test_a_stopped_clock_adds_exactly_the_days_it_stood_still(
    received: date, identity_after: int, asked_after: int, waited: int
) -> None:
    confirmed = received + timedelta(days=identity_after)
    asked = confirmed + timedelta(days=asked_after)
    pause = Pause(asked, asked + timedelta(days=waited))
    clock = subject_access_clock(received, identity_confirmed_on=confirmed, pauses=[pause])
    assert clock.starts_on == confirmed
    assert clock.paused_days == waited
    assert clock.due_on is not None
    naive = add_months(confirmed, 1) + timedelta(days=waited)
    assert clock.due_on == next_working_day(naive, Calendar.ENGLAND)
    assert clock.due_on >= _due(confirmed)  # type: ignore[operator]
    stopped = subject_access_clock(received, identity_confirmed_on=confirmed, pauses=[Pause(asked)])
    assert (stopped.stopped_since, stopped.due_on) == (asked, None)


@PROPERTIES
@given(received=DAYS, months=st.integers(1, 2), waited=st.integers(0, 30))
def test_an_extension_is_never_sooner_and_is_told_within_the_first_month(
    received: date, months: int, waited: int
) -> None:
    pauses = [Pause(received, received + timedelta(days=waited))]
    plain = subject_access_clock(received, identity_confirmed_on=received, pauses=pauses)
    clock = subject_access_clock(
        received, identity_confirmed_on=received, pauses=pauses, extension_months=months
    )
    assert clock.tell_extension_by == plain.due_on
    assert clock.extended_due_on is not None
    assert plain.due_on is not None
    assert is_working_day(clock.extended_due_on, Calendar.ENGLAND)
    naive = add_months(received, 1 + months) + timedelta(days=waited)
    assert naive <= clock.extended_due_on <= naive + timedelta(days=5)
    assert clock.extended_due_on > plain.due_on


@PROPERTIES
@given(received=DAYS)
def test_an_foi_due_date_is_twenty_uk_working_days_on(received: date) -> None:
    due = foi_clock(received).due_on
    assert due is not None
    assert is_working_day(due, Calendar.UK)
    days = _between(received + timedelta(days=1), due + timedelta(days=1))
    assert sum(is_working_day(day, Calendar.UK) for day in days) == 20
    for nation in ("ENG", "WLS", "SCT", "NIR"):  # no nation's bank holiday is counted
        national = holidays.country_holidays("GB", subdiv=nation, years=due.year)
        assert due not in national
    assert 26 <= (due - received).days <= 40
    assert due >= add_working_days(received, 20, Calendar.ENGLAND)


@PROPERTIES
@given(received=DAYS, extra=st.integers(0, 20))
def test_a_public_interest_extension_adds_working_days_after_the_due_date(
    received: date, extra: int
) -> None:
    clock = foi_clock(received, public_interest_days=extra)
    assert clock.due_on is not None
    assert clock.final_due_on is not None
    assert clock.final_due_on == add_working_days(clock.due_on, extra, Calendar.UK)
    assert clock.final_due_on == add_working_days(received, 20 + extra, Calendar.UK)


def _between(start: date, end: date) -> list[date]:
    """The days from ``start`` up to, not including, ``end``."""
    return [start + timedelta(days=n) for n in range((end - start).days)]
