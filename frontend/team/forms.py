"""The team view's one form: which cases, to whom."""

from __future__ import annotations

from uuid import UUID

from confide.frontend.forms import Form
from confide.platform.casework.allocation import Reassignment


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None


class ReassignForm(Form):
    """Ticked cases (``case_ids``), the caseworker to take them (``to_staff_id``) and, from
    a caseworker's own list, whose assignment ends (``from_staff_id``)."""

    order = ("case_ids", "to_staff_id")
    lists = ("case_ids",)

    def from_staff(self) -> UUID | None:
        """Whose list the form was posted from (None: the unassigned cases)."""
        source = self.text("from_staff_id")
        return _uuid(source) if source else None

    def reassignment(self) -> Reassignment | None:
        case_ids = [_uuid(v) for v in self.getall("case_ids")]
        if not case_ids or None in case_ids:
            self.fail("case_ids", "Choose at least one case")
        to = _uuid(self.text("to_staff_id"))
        if to is None:
            self.fail("to_staff_id", "Choose the caseworker to take the cases")
        source = self.text("from_staff_id")
        from_id = _uuid(source) if source else None
        if source and from_id is None:
            self.fail("case_ids", "Choose cases from the list")
        if not self.ok or to is None:
            return None
        data = Reassignment(
            case_ids=[c for c in case_ids if c is not None], to_staff_id=to, from_staff_id=from_id
        )
        self.check(data.validate)
        return data
