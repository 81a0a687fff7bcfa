"""The annual return's fields: the kind of year and the year it begins."""

from __future__ import annotations

from datetime import date

from confide.frontend.forms import Form
from confide.platform.statistics import services
from confide.platform.statistics.schemas import CALENDAR


class YearForm(Form):
    order = ("period", "year")

    def kind(self) -> str:
        """The kind of year chosen (calendar unless another is)."""
        return self.text("period") or CALENDAR

    def year(self) -> int | None:
        """The year typed, checked by the service's own rules (a year that has ended);
        None when wrong."""
        year = self.number("year", "Enter a year as 4 digits, like 2025", max_digits=4)
        if year is None:
            return None
        self.check(lambda: services.check_return_year(year, self.kind()))
        return year if self.ok else None


class PeriodForm(Form):
    """The managers' report's period: two GOV.UK date inputs."""

    order = ("start", "end")
    dates = ("start", "end")

    def period(self) -> tuple[date, date] | None:
        start = self.date("start", "The start of the period", required="Enter the start")
        end = self.date("end", "The end of the period", required="Enter the end")
        if start is None or end is None or not self.ok:
            return None
        self.check(lambda: services.check_period(start, end))
        return (start, end) if self.ok else None
