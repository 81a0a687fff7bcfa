"""The service's calendar: English services count days in England, whatever zone the
server's clock is in (between midnight and 1am in summer, UTC is still yesterday)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SERVICE_ZONE = ZoneInfo("Europe/London")


def service_today() -> date:
    """Today's date in England."""
    return datetime.now(SERVICE_ZONE).date()
