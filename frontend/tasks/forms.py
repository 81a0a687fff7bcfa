"""The follow-up form."""

from __future__ import annotations

from datetime import date

from confide.frontend.forms import Form
from confide.platform.tasks.schemas import NewFollowUp


class FollowUpForm(Form):
    """What needs doing on the case, and by when (for the person adding it)."""

    order = ("title", "due_on")
    dates = ("due_on",)

    def follow_up(self, today: date) -> NewFollowUp | None:
        """The follow-up, with the service's checks run on it; None when anything is wrong."""
        due = self.date("due_on", "The due date", required="Enter the due date")
        if not self.text("title"):
            self.fail("title", "Enter what needs to be done")
        if due is None or not self.ok:
            return None
        data = NewFollowUp(title=self.text("title"), due_on=due)
        self.check(lambda: data.validate(today))
        return data if self.ok else None
