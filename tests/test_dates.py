"""The date arithmetic the rules rest on, as tables, without the database: consent review
dates from the tenant's interval (month ends, leap days), a young person's age on a day and
the capacity it presumes, England's calendar around midnight UTC, and scheduling periods.
The tell-the-client task's due date (``service_today()`` plus the tenant's days) is checked
through the API in ``test_consent_api.py``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from confide.platform.consent.capacity import age_on, assess
from confide.platform.consent.schemas import CapacityDecisionView
from confide.platform.core.clock import (
    SERVICE_ZONE,
    add_months,
    period_start,
    service_date,
    service_today,
)


@pytest.mark.parametrize(
    ("given_on", "months", "review_due"),
    [
        (date(2026, 3, 2), 12, date(2027, 3, 2)),  # the default interval: a year on
        (date(2026, 3, 2), 6, date(2026, 9, 2)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),  # across the year's end
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # a shorter month: its last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # in a leap year
        (date(2026, 8, 31), 1, date(2026, 9, 30)),
        (date(2026, 3, 31), 6, date(2026, 9, 30)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # a leap day given: no 29 February next
        (date(2028, 2, 29), 48, date(2032, 2, 29)),  # ... until the next leap year
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # back a month (tests date things so)
        (date(2026, 1, 15), -13, date(2024, 12, 15)),
    ],
)
def test_a_review_falls_due_whole_months_on(given_on: date, months: int, review_due: date) -> None:
    assert add_months(given_on, months) == review_due


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2014, 3, 2), date(2026, 3, 1), 11),  # the day before the birthday
        (date(2014, 3, 2), date(2026, 3, 2), 12),  # on it
        (date(2014, 3, 2), date(2026, 3, 3), 12),
        (date(2012, 2, 29), date(2024, 2, 28), 11),  # born on a leap day
        (date(2012, 2, 29), date(2024, 2, 29), 12),
        (date(2013, 2, 28), date(2025, 2, 28), 12),
        (date(2012, 2, 29), date(2025, 2, 28), 12),  # no 29 February: still 12 on the 28th
        (date(2012, 2, 29), date(2025, 3, 1), 13),  # 13 on 1 March
        (date(2026, 11, 29), date(2026, 11, 29), 0),
    ],
)
def test_age_on_a_day(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


def _judged(has_capacity: bool, on: date) -> CapacityDecisionView:
    return CapacityDecisionView(
        uuid4(),
        has_capacity,
        on,
        uuid4(),
        "Aisha Rahman",
        "Judged at a meeting",
        datetime(on.year, on.month, on.day, 10, tzinfo=UTC),
    )


ON = date(2026, 11, 29)
TWELFTH_BIRTHDAY = date(2014, 11, 29)

# (id, born, the service's age, decisions newest first, age, presumed or judged able)
CAPACITY = [
    ("no date of birth", None, 12, [], None, None),
    ("the day before the service's age", TWELFTH_BIRTHDAY + timedelta(days=1), 12, [], 11, False),
    ("on the birthday that reaches it", TWELFTH_BIRTHDAY, 12, [], 12, True),
    ("a service that says 13", TWELFTH_BIRTHDAY, 13, [], 12, False),
    ("judged able below the age", date(2017, 1, 1), 12, [_judged(True, ON)], 9, True),
    ("judged not able over the age", date(2010, 1, 1), 12, [_judged(False, ON)], 16, False),
    ("a 'no' judged at 11 lapses at 12", TWELFTH_BIRTHDAY, 12,
     [_judged(False, date(2026, 6, 1))], 12, True),
    ("a 'no' judged at 12 stands", TWELFTH_BIRTHDAY, 12,
     [_judged(False, TWELFTH_BIRTHDAY.replace(year=2026))], 12, False),
    ("the newest decision counts", date(2017, 1, 1), 12,
     [_judged(False, ON), _judged(True, date(2026, 1, 1))], 9, False),
    ("a decision with no date of birth", None, 12, [_judged(True, ON)], None, True),
]  # fmt: skip


@pytest.mark.parametrize(
    ("born", "capacity_age", "decisions", "age", "able"),
    [pytest.param(*row[1:], id=row[0]) for row in CAPACITY],
)
def test_capacity_is_presumed_from_the_age_unless_judged(
    born: date | None,
    capacity_age: int,
    decisions: list[CapacityDecisionView],
    age: int | None,
    able: bool | None,
) -> None:
    assessed = assess(born, ON, capacity_age, decisions)
    assert (assessed.age, assessed.has_capacity) == (age, able)
    assert assessed.capacity_age == capacity_age


@pytest.mark.parametrize(
    ("utc", "england"),
    [
        # British Summer Time: England is an hour ahead, so its day starts at 23:00 UTC.
        (datetime(2026, 6, 1, 22, 59, tzinfo=UTC), date(2026, 6, 1)),
        (datetime(2026, 6, 1, 23, 0, tzinfo=UTC), date(2026, 6, 2)),
        (datetime(2026, 6, 1, 23, 59, tzinfo=UTC), date(2026, 6, 2)),
        # Greenwich Mean Time: the same day as UTC.
        (datetime(2026, 12, 1, 23, 59, tzinfo=UTC), date(2026, 12, 1)),
        (datetime(2026, 12, 2, 0, 0, tzinfo=UTC), date(2026, 12, 2)),
        # The clocks go forward at 01:00 UTC on the last Sunday of March...
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 28)),
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 30)),
        # ... and back at 01:00 UTC on the last Sunday of October.
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), date(2026, 10, 25)),
        # New Year's Eve in winter: no difference.
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), date(2026, 12, 31)),
    ],
)
def test_englands_date_for_a_moment(utc: datetime, england: date) -> None:
    """What ``service_today()`` reads: the moment in the service's zone."""
    assert service_date(utc) == england


def test_today_is_englands_today() -> None:
    before = datetime.now(UTC).astimezone(SERVICE_ZONE).date()
    today = service_today()
    after = datetime.now(UTC).astimezone(SERVICE_ZONE).date()
    assert today in {before, after}
    assert SERVICE_ZONE.key == "Europe/London"


@pytest.mark.parametrize(
    ("moment", "minutes", "start"),
    [
        (datetime(2026, 6, 1, 10, 7, 30, tzinfo=UTC), 5, datetime(2026, 6, 1, 10, 5, tzinfo=UTC)),
        (datetime(2026, 6, 1, 10, 5, tzinfo=UTC), 5, datetime(2026, 6, 1, 10, 5, tzinfo=UTC)),
        (datetime(2026, 6, 1, 23, 59, tzinfo=UTC), 15, datetime(2026, 6, 1, 23, 45, tzinfo=UTC)),
        (datetime(2026, 6, 1, 0, 0, 1, tzinfo=UTC), 1440, datetime(2026, 6, 1, tzinfo=UTC)),
        # A moment given in England's summer time is the same period as its UTC self.
        (
            datetime(2026, 6, 2, 0, 20, tzinfo=SERVICE_ZONE),
            60,
            datetime(2026, 6, 1, 23, 0, tzinfo=UTC),
        ),
        # Periods restart at midnight UTC, whatever divides the day.
        (datetime(2026, 6, 2, 0, 10, tzinfo=UTC), 7, datetime(2026, 6, 2, 0, 7, tzinfo=UTC)),
    ],
)
def test_scheduling_periods(moment: datetime, minutes: int, start: datetime) -> None:
    assert period_start(moment, minutes) == start
