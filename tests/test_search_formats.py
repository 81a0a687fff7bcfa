"""What the one search box makes of what is typed, and the keys a person is found by:
pure rules, a row a case, no database."""

from __future__ import annotations

from datetime import date

import pytest

from confide.platform.casework.matching import edits1, name_words, person_keys, sound
from confide.platform.casework.search import SearchKind, SearchQuery


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("14/05/2015", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("14 5 2015", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("14.5.15", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("14-05-2015", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("2015-05-14", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("14 May 2015", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("14th may 15", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("May 14, 2015", SearchKind.DATE_OF_BIRTH, date(2015, 5, 14)),
        ("3/4/98", SearchKind.DATE_OF_BIRTH, date(1998, 4, 3)),  # day first; 98 is 1998
        ("07700 900123", SearchKind.PHONE, "07700900123"),
        ("+44 7700 900123", SearchKind.PHONE, "07700900123"),
        ("+44 (0)7700 900123", SearchKind.PHONE, "07700900123"),
        ("0044-7700-900-123", SearchKind.PHONE, "07700900123"),
        ("0113 496 0000", SearchKind.PHONE, "01134960000"),
        ("Someone@Example.org", SearchKind.EMAIL, "someone@example.org"),
        ("ab12cd", SearchKind.POSTCODE, "AB12CD"),
        ("AB1 2CD", SearchKind.POSTCODE, "AB12CD"),
        ("nor-2026-00042", SearchKind.REFERENCE, "NOR-2026-00042"),
        ("42", SearchKind.REFERENCE, "^[A-Z][A-Z0-9]*-[0-9]{4}-0*42$"),
        ("2026-00042", SearchKind.REFERENCE, "^[A-Z][A-Z0-9]*-2026-0*42$"),
        ("NOR-42", SearchKind.REFERENCE, "^NOR-[0-9]{4}-0*42$"),
        ("nor 2026 42", SearchKind.REFERENCE, "NOR-2026-42"),
        ("2026/42", SearchKind.REFERENCE, "^[A-Z][A-Z0-9]*-2026-0*42$"),
        ("Jaden Thornicroft", SearchKind.NAME, "jaden thornicroft"),
        ("May", SearchKind.NAME, "may"),
    ],
)
def test_what_the_box_holds(text: str, kind: SearchKind, value: object) -> None:
    assert SearchQuery(text).resolved() == (kind, value)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("jayden", "jaden"),
        ("jaiden", "jayden"),
        ("thorneycroft", "thornicroft"),
        ("catherine", "kathryn"),
        ("stephen", "steven"),
        ("smith", "smyth"),
        ("mcdonald", "macdonald"),
    ],
)
def test_names_that_sound_alike_share_a_sound(one: str, other: str) -> None:
    assert sound(name_words(one)[0]) == sound(name_words(other)[0])


def test_names_that_sound_different_do_not() -> None:
    assert sound("smith") != sound("jones")


@pytest.mark.parametrize(
    ("names", "words"),
    [
        (("Smith-Jones",), ["smith", "jones", "smithjones"]),
        (("Bowes Lyon",), ["bowes", "lyon", "boweslyon"]),
        (("O'Brien",), ["obrien"]),
        (("Mc Donald",), ["macdonald", "donald"]),
        (("Zoë",), ["zoe"]),
        (("Łukasz Wiśniewski",), ["lukasz", "wisniewski", "lukaszwisniewski"]),
        (("王 伟",), ["王", "伟", "王伟"]),
    ],
)
def test_a_person_is_found_by_each_part_of_their_name(names: tuple[str], words: list[str]) -> None:
    assert name_words(*names, stored=True) == words


def test_a_query_looks_up_only_the_words_it_has() -> None:
    assert name_words("Smith-Jones O'Brien") == ["smith", "jones", "obrien"]
    assert name_words("Mc Donald") == ["macdonald"]


def test_keys_carry_nickname_family_and_contact_details() -> None:
    keys = person_keys("Kate", "Smith", date(2015, 5, 14), "+44 7700 900123", "A@B.org", "ab1 2cd")
    assert {"n:kate", "g:katherine", "n:smith", "d:2015-05-14", "t:07700900123"} <= set(keys)
    assert {"e:a@b.org", "p:AB12CD"} <= set(keys)


def test_one_edit_covers_transposed_dropped_added_and_changed_letters() -> None:
    near = edits1("jasmine")
    assert {"jsamine", "jasmin", "jasmiine", "jazmine"} <= near
    assert "jasmine" not in near
