"""The directory's forms: a school's SENCO contact, and the import file."""

from __future__ import annotations

from uuid import UUID

from confide.frontend.forms import Form
from confide.platform.schools.schemas import SchoolChoice, SchoolView, SencoContact


class SencoForm(Form):
    order = ("senco_name", "senco_email", "senco_phone")

    @classmethod
    def of(cls, school: SchoolView) -> SencoForm:
        return cls(
            {
                "senco_name": school.senco_name,
                "senco_email": school.senco_email,
                "senco_phone": school.senco_phone,
            }
        )

    def contact(self) -> SencoContact:
        return SencoContact(
            senco_name=self.text("senco_name"),
            senco_email=self.text("senco_email"),
            senco_phone=self.text("senco_phone"),
        )


class ImportForm(Form):
    """The upload: one CSV file."""

    order = ("file",)


class SchoolChoiceForm(Form):
    """A person's school from the directory (a school's id), or ``none``."""

    order = ("school_id",)
    NONE = "none"

    def choice_of(self) -> SchoolChoice | None:
        value = self.text("school_id")
        if value == self.NONE:
            return SchoolChoice(school_id=None)
        try:
            return SchoolChoice(school_id=UUID(value))
        except ValueError:
            self.fail("school_id", "Choose a school from the list, or none")
            return None
