"""The annual return's one field: the calendar year."""

from __future__ import annotations

from confide.frontend.forms import Form
from confide.platform.statistics import services


class YearForm(Form):
    order = ("year",)

    def year(self) -> int | None:
        """The year typed, checked by the service's own rule; None when wrong."""
        year = self.number("year", "Enter a year as 4 digits, like 2025", max_digits=4)
        if year is None:
            return None
        self.check(lambda: services.check_year(year))
        return year if self.ok else None
