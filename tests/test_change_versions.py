"""What a version of changed details keeps (rule 19), without the database: which fields
count as changed, and how old and new values are written down."""

from __future__ import annotations

from datetime import date

import pytest

from confide.platform.casework.lifecycle import differences, shown
from confide.platform.casework.schemas import FieldChange

ROWS = [
    # (case, current, wanted, kept)
    ("a new name", {"last_name": "Okafor"}, {"last_name": "Okafor-Smith"},
     [FieldChange("last_name", "Okafor", "Okafor-Smith")]),
    ("the same name", {"last_name": "Okafor"}, {"last_name": "Okafor"}, []),
    ("spaces around are no change", {"last_name": "Okafor"}, {"last_name": " Okafor "}, []),
    ("blank is none", {"phone": None}, {"phone": ""}, []),
    ("cleared", {"phone": "07700 900123"}, {"phone": None},
     [FieldChange("phone", "07700 900123", None)]),
    ("a flag", {"may_post": False}, {"may_post": True}, [FieldChange("may_post", "no", "yes")]),
    ("a date", {"date_of_birth": date(2014, 3, 2)}, {"date_of_birth": date(2014, 3, 12)},
     [FieldChange("date_of_birth", "2014-03-02", "2014-03-12")]),
    ("a number", {"support_level": 2}, {"support_level": 3},
     [FieldChange("support_level", "2", "3")]),
    ("topics", {"topics": ["A", "B"]}, {"topics": ["B"]}, [FieldChange("topics", "A, B", "B")]),
    ("topics unchanged", {"topics": ["A"]}, {"topics": ["A"]}, []),
    ("only what is given", {"first_name": "Sam", "last_name": "O"}, {"first_name": "Sami"},
     [FieldChange("first_name", "Sam", "Sami")]),
]  # fmt: skip


@pytest.mark.parametrize(("current", "wanted", "kept"), [r[1:] for r in ROWS],
                         ids=[r[0] for r in ROWS])  # fmt: skip
def test_a_version_keeps_each_changed_field_old_and_new(
    current: dict[str, object], wanted: dict[str, object], kept: list[FieldChange]
) -> None:
    assert differences(current, wanted) == kept


def test_values_are_kept_as_words() -> None:
    assert [shown(v) for v in (None, True, False, date(2026, 1, 5), ["a", "b"], 3, "x")] == [
        None, "yes", "no", "2026-01-05", "a, b", "3", "x"
    ]  # fmt: skip
