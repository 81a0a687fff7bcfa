"""Misspellings made at run time, for the bench's own recall set (kept apart from the
tests' fixed set, ``tests/data/search_misspellings.csv``): what people get wrong when
they type a name they heard on the phone.

``misspell(first, last, rng)`` -> (query, kind), one change or two, chosen at random.
"""

from __future__ import annotations

import random

from confide.platform.casework.matching import NAME_VARIANTS

_VOWELS = "aeiouy"
# Sounds written more than one way (either direction).
_SOUNDS = [
    ("ph", "f"),
    ("c", "k"),
    ("ck", "k"),
    ("y", "i"),
    ("ie", "y"),
    ("ey", "y"),
    ("ae", "a"),
    ("s", "z"),
    ("mac", "mc"),
    ("ou", "ow"),
    ("ll", "l"),
    ("tt", "t"),
    ("nn", "n"),
    ("th", "t"),
]
_FAMILIES: dict[str, list[str]] = {}
for _name, _family in NAME_VARIANTS.items():
    _FAMILIES.setdefault(_family, []).append(_name)


def _transpose(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _drop(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word))
    return word[:i] + word[i + 1 :]


def _double(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word))
    return word[:i] + word[i] + word[i:]


def _vowel(word: str, rng: random.Random) -> str:
    places = [i for i, ch in enumerate(word) if ch.lower() in _VOWELS and i > 0]
    if not places:
        return word
    i = rng.choice(places)
    return word[:i] + rng.choice([v for v in _VOWELS if v != word[i].lower()]) + word[i + 1 :]


def _sound(word: str, rng: random.Random) -> str:
    lower = word.lower()
    options = [(a, b) for a, b in _SOUNDS if a in lower[1:]] + [
        (b, a) for a, b in _SOUNDS if b in lower[1:]
    ]
    if not options:
        return _vowel(word, rng)
    a, b = rng.choice(options)
    i = lower.index(a, 1)
    return word[:i] + b + word[i + len(a) :]


def _nickname(word: str, rng: random.Random) -> str:
    family = NAME_VARIANTS.get(word.lower())
    others = [n for n in _FAMILIES.get(family or "", []) if n != word.lower()]
    return rng.choice(others).capitalize() if others else _sound(word, rng)


_CHANGES = {
    "transposed letters": _transpose,
    "dropped letter": _drop,
    "doubled letter": _double,
    "wrong vowel": _vowel,
    "sound spelt another way": _sound,
}


def misspell(first: str, last: str, rng: random.Random) -> tuple[str, str]:
    """A query for (first, last) with one or two mistakes, and what kind they are."""
    roll = rng.random()
    if roll < 0.1:
        return f"{last} {first}", "swapped"
    if roll < 0.2:
        return f"{_nickname(first, rng)} {last}", "nickname"
    if roll < 0.3:
        return f"{last} {_transpose(first, rng)}", "swapped and transposed"
    kind, change = rng.choice(list(_CHANGES.items()))
    if rng.random() < 0.5:
        return f"{first} {change(last, rng)}", kind
    return f"{change(first, rng)} {last}", kind
