"""Search keys: how a person is found by a name typed wrongly, without ``pg_trgm``.

Pure functions, no database. Each person has a handful of *keys* (``person_keys``),
stored in ``person_search_keys`` (an indexed plain column, so the index serves under
row-level security) and written whenever the person is written (``refresh_search_keys``
in ``search.py``). A query is turned into *probes* (``name_probes`` and the others): keys
to look up, each for one word of the query (its group), with a weight and the reason it
gives. A person's score is the sum over the query's words of the best weight found,
divided by the number of words, so the order of the words does not matter (first and
last names swapped) and a person matching every word comes first.

Keys (a letter, a colon, the value):

- ``n:`` each name word folded (lower case, accents and punctuation gone, ``Mc``
  written ``mac``), each part of a hyphenated or double-barrelled surname and the
  parts joined (``smith``, ``jones``, ``smithjones``); a particle (``Mc``, ``O'``,
  ``Van``...) joined to the word after it.
- ``s:`` the word's sound (``sound``): a metaphone-style code computed here, so
  ``Jayden``, ``Jaden`` and ``Jaiden`` share ``JTN``, ``Thorneycroft`` and
  ``Thornicroft`` share ``0RNKRFT``.
- ``g:`` the name's family in ``NAME_VARIANTS`` (Kate, Katie, Cathy -> Katherine).
- ``d:`` date of birth (ISO), ``t:`` phone (UK national digits), ``e:`` email (lower
  case), ``p:`` postcode (upper case, no spaces).

Spelling mistakes the sound does not absorb (a transposition of two consonants, a
letter dropped or added) are found from the query side: every word of four letters or
more also probes every spelling one edit away (``edits1``), a few hundred exact keys
looked up through the same index, so nothing more is stored per person.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

MAX_KEYS = 32  # slots a person has in person_search_keys
MAX_KEY_LENGTH = 120  # person_search_keys.key; a longer key (a very long email) is left out
MAX_WORDS = 4  # name words of a query that are looked up
EDIT_MIN_LENGTH = 4  # shorter words are not expanded by one edit (too many people match)
EDIT_MAX_LENGTH = 24  # nor longer ones (no name is; the probes would run to thousands)
PREFIX_MIN_LENGTH = 3

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_PARTICLES = frozenset({"mc", "mac", "o", "st", "van", "von", "de", "di", "da", "du", "le", "la"})


class MatchReason(StrEnum):
    """Why a hit was found; shown beside it."""

    NAME = "name"
    NAME_VARIANT = "name variant"
    NAME_SOUND = "name sounds like"
    NAME_SPELLING = "name spelt like"
    NAME_START = "name starts with"
    DATE_OF_BIRTH = "date of birth"
    PHONE = "phone"
    EMAIL = "email"
    POSTCODE = "postcode"
    REFERENCE = "case reference"


# Probes: keys to look up, each for one word (group) of the query, worth its weight when
# found, with the reason it gives; four parallel arrays, as they go to SQL.
Probes = tuple[tuple[str, ...], tuple[int, ...], tuple[float, ...], tuple[str, ...]]


# Weights: the best probe found for each word counts.
EXACT = 1.0
VARIANT = 0.9
SOUND = 0.8
SPELLING = 0.75
START = 0.6

# Families of given names that are the same person's (nicknames, spellings the sound
# code does not join). The first of each is the family's key.
_FAMILIES = (
    "katherine kate katie katy kathy cathy catherine kathryn katharine catharine cath kath"
    " kat kitty catrin caitlin",
    "elizabeth liz lizzie lizzy beth betty bethan eliza libby elsie elisabeth",
    "margaret maggie meg peggy maisie mags",
    "william will bill billy liam willie",
    "robert rob bob bobby robbie bert",
    "richard rich rick ricky dick richie",
    "james jim jimmy jamie jem",
    "john jack johnny jon jonny",
    "jonathan jon jonny nathan",
    "michael mike mikey mick mickey",
    "thomas tom tommy",
    "christopher chris kit topher",
    "christine chris chrissy tina kirsty kirstie christina kristina",
    "alexander alex alec alexandra sasha sandy xander",
    "anthony tony antony",
    "edward ed eddie ted teddy ned",
    "daniel dan danny",
    "matthew matt matty",
    "benjamin ben benji benny",
    "samuel sam sammy",
    "samantha sam sammie",
    "joseph joe joey",
    "josephine jo josie",
    "joshua josh",
    "nicholas nick nicky nico",
    "nicola nikki nicky nicole",
    "patrick pat paddy",
    "patricia pat patty trish tricia",
    "rebecca becky becca",
    "victoria vicky tori",
    "jennifer jen jenny jenna",
    "jessica jess jessie",
    "abigail abi abby abbie",
    "olivia liv livvy",
    "isabella bella izzy isabel isobel isabelle",
    "charlotte charlie lottie",
    "charles charlie chas chuck",
    "frederick fred freddie freddy",
    "henry harry hal hank",
    "harold harry",
    "theodore theo ted",
    "zachary zach zak zack",
    "oliver ollie olly",
    "archibald archie",
    "amelia millie amy",
    "emily em emmy",
    "eleanor ellie nora elle elinor",
    "susan sue susie suzanne",
    "deborah debbie deb debra",
    "stephen steven steve stevie stephan",
    "philip phil phillip filip",
    "sean shaun shawn",
    "mohammed mohammad muhammad mohamed mohamad muhammed",
    "aleksander aleksandra ola",
    "siobhan shivaun",
    "niamh neve",
    "aoife eva",
)


def _families() -> dict[str, str]:
    family: dict[str, str] = {}
    for line in _FAMILIES:
        names = line.split()
        for name in names:
            family.setdefault(name, names[0])
    return family


NAME_VARIANTS = _families()


# Letters NFKD leaves whole, written as an English keyboard would.
_LATIN = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "\u0131": "i", "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th"}
)


def fold(text: str) -> str:
    """Lower case, accents off, apostrophes dropped: ``O'Brien`` -> ``obrien``,
    ``Łukasz`` -> ``lukasz``. Letters of other scripts stay as they are."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_LATIN))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub("['\u2019`]", "", plain.lower())


def name_words(*names: str, stored: bool = False) -> list[str]:
    """The folded words of names, ``mc`` written ``mac``, a particle joined to the next
    word. A person's (``stored``) also has each hyphenated or double-barrelled name's
    parts joined and the word after a particle alone, so that any of those finds them;
    a query's words are only those it has, so each can be looked up once."""
    words: list[str] = []
    for name in names:
        chunks = fold(name).split()
        for chunk in chunks:
            words.extend(p for p in re.split(r"[\W_]+", chunk) if p)
        if stored:
            whole = re.sub(r"[\W_]+", "", "".join(chunks))
            if whole and whole not in words:
                words.append(whole)
    joined: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word in _PARTICLES and i + 1 < len(words):
            joined.append(word + words[i + 1])
            if stored:
                joined.append(words[i + 1])
            i += 2
            continue
        joined.append(word)
        i += 1
    return list(dict.fromkeys(_mac(w) for w in joined if w))


def _mac(word: str) -> str:
    return "mac" + word[2:] if word.startswith("mc") and len(word) > 2 else word


_SOUND_RULES = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"^(kn|gn|pn|wr|ps)", lambda m: m.group(0)[1]),
        (r"^x", "s"),
        (r"^wh", "w"),
        (r"[^a-z]", ""),
        (r"ph", "f"),
        (r"gh(?=[^aeiouy]|$)", ""),
        (r"tch", "ch"),
        (r"sch", "sk"),
        (r"ck", "k"),
        (r"c(?=[eiy])", "s"),
        (r"ch", "x"),
        (r"sh", "x"),
        (r"th", "0"),
        (r"dg(?=[eiy])", "j"),
        (r"c|q", "k"),
        (r"x", "ks"),
        (r"z", "s"),
        (r"v", "f"),
        (r"d", "t"),
        (r"(?<!^)h", ""),
        (r"(?<!^)w(?![aeiouy])", ""),
        (r"(?<!^)[aeiouy]", ""),
        (r"^[aeiouy]", "a"),
        (r"(.)\1+", r"\1"),
    )
)


def sound(word: str) -> str:
    """A metaphone-style code for a folded word: consonant sounds in order, vowels after
    the first letter dropped, doubles as one (``thorneycroft`` -> ``0RNKRFT``)."""
    code = word
    for pattern, replacement in _SOUND_RULES:
        code = pattern.sub(replacement, code)
    return code.upper()


def edits1(word: str) -> set[str]:
    """Every spelling one deletion, transposition, substitution or insertion away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    inserts = {a + c + b for a, b in splits for c in _LETTERS}
    return (deletes | transposes | replaces | inserts) - {word}


def normalise_phone(text: str) -> str | None:
    """UK national digits (``07700900123``) from any spacing, ``+44``, ``0044`` or
    ``(0)``; None when it is no phone number."""
    digits = re.sub(r"[\s().-]", "", text)
    digits = digits.replace("(0)", "")
    if digits.startswith("+44"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("0044"):
        digits = "0" + digits[4:].removeprefix("0")
    if re.fullmatch(r"0[0-9]{9,10}", digits):
        return digits
    return None


def normalise_email(text: str) -> str | None:
    email = text.strip().lower()
    return email if re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email) else None


def normalise_postcode(text: str) -> str:
    """Upper case, no spaces: how postcodes are compared."""
    return "".join(text.split()).upper()


def reference_forms(reference: str) -> tuple[str, ...]:
    """A whole reference as typed (upper case), with its number as references are
    written (five digits) and without leading zeros: ``NM-2026-42`` finds
    ``NM-2026-00042``."""
    prefix, year, number = reference.rsplit("-", 2)
    return tuple(
        dict.fromkeys(
            [reference, f"{prefix}-{year}-{int(number):05d}", f"{prefix}-{year}-{int(number)}"]
        )
    )


def person_keys(
    first_name: str,
    last_name: str,
    date_of_birth: date | None = None,
    phone: str | None = None,
    email: str | None = None,
    postcode: str | None = None,
) -> list[str]:
    """A person's keys, each once, at most ``MAX_KEYS``; the most useful first."""
    keys: list[str] = []
    for word in name_words(first_name, last_name, stored=True):
        keys.append(f"n:{word}")
        code = sound(word)
        if code:
            keys.append(f"s:{code}")
        if word in NAME_VARIANTS:
            keys.append(f"g:{NAME_VARIANTS[word]}")
    if date_of_birth is not None:
        keys.append(f"d:{date_of_birth.isoformat()}")
    if phone and (number := normalise_phone(phone)):
        keys.append(f"t:{number}")
    if email and (address := normalise_email(email)):
        keys.append(f"e:{address}")
    if postcode and postcode.strip():
        keys.append(f"p:{normalise_postcode(postcode)}")
    # Contact and date keys are few and exact: keep them even for a very long name.
    kept = [k for k in dict.fromkeys(keys) if len(k) <= MAX_KEY_LENGTH]
    named = [k for k in kept if k[0] in "nsg"]
    other = [k for k in kept if k[0] not in "nsg"]
    return named[: MAX_KEYS - len(other)] + other


def name_probes(text: str) -> Probes:
    """What a name query looks up: per word its exact, variant, sound and one-edit keys,
    as the four arrays SQL takes. No key comes twice for one word: the one-edit spellings
    exclude the word itself, and the other keys have prefixes of their own."""
    keys: list[str] = []
    groups: list[int] = []
    weights: list[float] = []
    reasons: list[str] = []

    def add(found: list[str], group: int, weight: float, reason: MatchReason) -> None:
        keys.extend(found)
        groups.extend([group] * len(found))
        weights.extend([weight] * len(found))
        reasons.extend([reason.value] * len(found))

    for group, word in enumerate(name_words(text)[:MAX_WORDS]):
        add([f"n:{word}"], group, EXACT, MatchReason.NAME)
        if word in NAME_VARIANTS:
            add([f"g:{NAME_VARIANTS[word]}"], group, VARIANT, MatchReason.NAME_VARIANT)
        code = sound(word)
        if code and len(word) >= PREFIX_MIN_LENGTH:
            add([f"s:{code}"], group, SOUND, MatchReason.NAME_SOUND)
        if EDIT_MIN_LENGTH <= len(word) <= EDIT_MAX_LENGTH:
            add(["n:" + near for near in edits1(word)], group, SPELLING, MatchReason.NAME_SPELLING)
    return tuple(keys), tuple(groups), tuple(weights), tuple(reasons)


def name_prefix(text: str) -> tuple[int, str] | None:
    """(group, word) for the last word of a name query when it may be a name's start."""
    words = name_words(text)[:MAX_WORDS]
    if words and len(words[-1]) >= PREFIX_MIN_LENGTH:
        return len(words) - 1, words[-1]
    return None


def word_count(text: str) -> int:
    return len(name_words(text)[:MAX_WORDS])


def exact_probe(prefix: str, value: str, reason: MatchReason) -> Probes:
    """One key for a one-word query (a date of birth, a phone number...)."""
    return (f"{prefix}:{value}",), (0,), (EXACT,), (reason.value,)
