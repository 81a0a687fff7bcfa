"""The service's calendar: English services count days in England, whatever zone the
server's clock is in (between midnight and 1am in summer, UTC is still yesterday)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SERVICE_ZONE = ZoneInfo("Europe/London")


def service_date(moment: datetime) -> date:
    """The date in England at ``moment`` (an aware datetime in any zone)."""
    return moment.astimezone(SERVICE_ZONE).date()


def uk_datetime(moment: datetime | None) -> str:
    """A moment as people in England read it: 25 November 2026 at 6:40pm (the pages' and
    the exports' one formatter of a moment, so a PDF says the time the page says)."""
    if moment is None:
        return ""
    local = moment.astimezone(SERVICE_ZONE)
    return f"{local.day} {local:%B %Y} at {local:%-I:%M%p}".replace("AM", "am").replace("PM", "pm")


def uk_date(day: date) -> str:
    """A date as people in England read it: 25 November 2026 (the pages' ``uk_date`` filter)."""
    return f"{day.day} {day:%B %Y}"


def service_today() -> date:
    """Today's date in England."""
    return service_date(datetime.now(UTC))


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, on the last day of a shorter month (31 Jan + 1 = 28 Feb):
    consent reviews, policy reviews and the subject access clock all count months so."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise ValueError("unreachable")  # pragma: no cover - day 28 exists in every month


def period_start(moment: datetime, minutes: int) -> datetime:
    """The start (UTC) of the scheduling period of ``minutes`` holding ``moment``: the
    key that makes a scheduled job's run for a period happen once (heartbeats,
    audit checkpoints)."""
    moment = moment.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = int((moment - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=elapsed - elapsed % minutes)
