"""The service's calendar: English services count days in England, whatever zone the
server's clock is in (between midnight and 1am in summer, UTC is still yesterday)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SERVICE_ZONE = ZoneInfo("Europe/London")


def service_date(moment: datetime) -> date:
    """The date in England at ``moment`` (an aware datetime in any zone)."""
    return moment.astimezone(SERVICE_ZONE).date()


def service_today() -> date:
    """Today's date in England."""
    return service_date(datetime.now(UTC))


def period_start(moment: datetime, minutes: int) -> datetime:
    """The start (UTC) of the scheduling period of ``minutes`` holding ``moment``: the
    key that makes a scheduled job's run for a period happen once (heartbeats,
    audit checkpoints)."""
    moment = moment.astimezone(UTC)
    midnight = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = int((moment - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=elapsed - elapsed % minutes)
