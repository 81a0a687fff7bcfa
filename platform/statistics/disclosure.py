"""Disclosure control for the statistics a service publishes (rule 12). Pure: counts in,
the figures that may be published out, no database.

A *release* is a set of tables of counts over one population: each table crosses one or
two dimensions (age band by referral route, say) and carries its row, column and grand
totals. Tables that share a dimension share its totals: the row "parent/carer" of one
table and of another is the same figure, suppressed in both or in neither.

- **Zeros.** A count of 0 is always published: following common practice (ONS, the
  Department for Education), an empty cell does not identify anyone. It is never
  suppressed, primary or complementary, so a reader knows every hidden figure is at least
  1, and the audit assumes so.
- **Shared groups.** A category that is by definition the same cases in two tables (the
  cases erased before their channel and first reply were kept) is one figure of the
  release (``Dimension.shared``), hidden in both tables or in neither.
- **Primary suppression.** Every figure, cell or total, from 1 to ``threshold - 1`` is
  suppressed; when the release is rounded, also any count that would round to 0 (1 and 2,
  with a threshold of 2), so a published 0 is always a true 0 and an attacker may take it
  as known.
- **Secondary (complementary) suppression.** Every published total is the sum of its
  parts, so a line (a row, a column, the row totals, the column totals) with exactly one
  suppressed figure would give it away by subtraction. The smallest further figures are
  suppressed until no line has exactly one; then the release is *audited* as an attacker
  would: for each suppressed figure the least and the greatest value it can take given
  every published figure of every table of the release and that no count is negative
  (two linear programs each). A figure whose range is narrower than the *protection
  interval*, ``threshold`` (so at least ``threshold + 1`` whole values stay possible),
  has the smallest published figure of each of its lines suppressed too, and the audit
  runs again until every suppressed figure is protected.
- **Rounding** (a tenant option): every published figure is rounded to the nearest 5
  (halves up) on its own, totals included, so a total may differ from the sum of its
  rounded parts; the release says so. Rounding happens after suppression, which is
  decided on the true counts, and only widens what an attacker can work out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scipy.optimize import linprog

# A figure of a release: the (dimension, category) pairs it counts, in dimension order;
# () is the grand total.
Key = tuple[tuple[str, str], ...]

SUPPRESSED_MARK = "[c]"
# The dimension part of a shared category's key (``Dimension.shared``).
SHARED = "=shared"
ROUNDING_BASE = 5


@dataclass(frozen=True)
class Dimension:
    """What a table is broken down by: a name (``referral_route``), its label, and its
    categories as (code, label), in the order shown."""

    name: str
    label: str
    categories: tuple[tuple[str, str], ...]
    # (code, group): a category that is by definition the same cases as a category of
    # another dimension naming the same group (the cases erased before their channel and
    # first reply were kept are "not known" in both). One figure for the audit, so hidden
    # in both tables or in neither, and never recoverable by subtracting one from the other.
    shared: tuple[tuple[str, str], ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(code for code, _ in self.categories)

    def pair(self, code: str) -> tuple[str, str]:
        """The (dimension, category) part of a figure's key: a shared category's group."""
        group = dict(self.shared).get(code)
        return (SHARED, group) if group is not None else (self.name, code)


@dataclass(frozen=True)
class CountTable:
    """True counts of one table: ``counts[(row,)]`` for one dimension, ``counts[(row,
    column)]`` for two; a missing combination counts 0."""

    title: str
    dimensions: tuple[Dimension, ...]
    counts: Mapping[tuple[str, ...], int]

    def __post_init__(self) -> None:
        if not 1 <= len(self.dimensions) <= 2:
            raise ValueError("a table crosses one or two dimensions")
        if len({d.name for d in self.dimensions}) != len(self.dimensions):
            raise ValueError("a dimension is crossed with itself")
        known = [set(d.codes) for d in self.dimensions]
        for combination, count in self.counts.items():
            if len(combination) != len(self.dimensions) or any(
                code not in codes for code, codes in zip(combination, known, strict=True)
            ):
                raise ValueError(f"{self.title}: {combination} is not a category of the table")
            if count < 0:
                raise ValueError(f"{self.title}: a count is negative")


@dataclass(frozen=True)
class Figure:
    """One published number: ``value`` is None when suppressed (shown as ``[c]``)."""

    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    @property
    def shown(self) -> str:
        return SUPPRESSED_MARK if self.value is None else f"{self.value:,}"


@dataclass(frozen=True)
class PublishedTable:
    """A table as published. One dimension: ``row_totals`` are its figures and ``cells``
    and ``column_totals`` are empty."""

    title: str
    rows: Dimension
    columns: Dimension | None
    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...]
    column_totals: tuple[Figure, ...]
    grand_total: Figure


@dataclass(frozen=True)
class Release:
    tables: tuple[PublishedTable, ...]
    threshold: int
    rounded: bool
    suppressed: int = field(default=0)
    method: str = ""


@dataclass(frozen=True)
class _Line:
    """A published total and the figures it adds up."""

    total: Key
    parts: tuple[Key, ...]

    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


def round_to_base(value: int, base: int = ROUNDING_BASE) -> int:
    """The nearest multiple of ``base``, halves up (12 to 10, 13 to 15)."""
    return base * ((2 * value + base) // (2 * base))


def _key(dimensions: Sequence[Dimension], codes: Sequence[str]) -> Key:
    return tuple(sorted(d.pair(code) for d, code in zip(dimensions, codes, strict=True)))


def _figures_and_lines(tables: Sequence[CountTable]) -> tuple[dict[Key, int], list[_Line]]:
    values: dict[Key, int] = {}
    lines: dict[tuple[Key, frozenset[Key]], _Line] = {}

    def put(key: Key, value: int, title: str) -> None:
        if values.setdefault(key, value) != value:
            raise ValueError(f"{title}: a total differs from the same total in another table")

    def line(total: Key, parts: list[Key]) -> None:
        lines.setdefault((total, frozenset(parts)), _Line(total, tuple(parts)))

    for table in tables:
        dims = table.dimensions
        first = dims[0]
        if len(dims) == 1:
            for code in first.codes:
                put(_key(dims, [code]), table.counts.get((code,), 0), table.title)
        else:
            second = dims[1]
            for row in first.codes:
                for column in second.codes:
                    count = table.counts.get((row, column), 0)
                    put(_key(dims, [row, column]), count, table.title)
            for row in first.codes:
                parts = [_key(dims, [row, column]) for column in second.codes]
                put(_key(dims[:1], [row]), sum(values[p] for p in parts), table.title)
                line(_key(dims[:1], [row]), parts)
            for column in second.codes:
                parts = [_key(dims, [row, column]) for row in first.codes]
                put(_key(dims[1:], [column]), sum(values[p] for p in parts), table.title)
                line(_key(dims[1:], [column]), parts)
        for dim in dims:
            parts = [_key([dim], [code]) for code in dim.codes]
            put((), sum(values[p] for p in parts), table.title)
            line((), parts)
    return values, list(lines.values())


def _pick(line: _Line, values: Mapping[Key, int], suppressed: set[Key]) -> Key | None:
    """The figure of ``line`` to suppress next: the smallest non-zero part, else the total;
    None when every non-zero figure is suppressed already. A 0 is never hidden, so a
    reader knows every hidden figure is at least 1 (and the audit assumes so)."""
    open_parts = sorted((values[k], k) for k in line.parts if k not in suppressed)
    for value, key in open_parts:
        if value > 0:
            return key
    if line.total not in suppressed and values[line.total] > 0:
        return line.total
    return None


def _no_lone_suppressed(
    lines: Sequence[_Line], values: Mapping[Key, int], suppressed: set[Key]
) -> None:
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(k in suppressed for k in line.members()) == 1:
                key = _pick(line, values, suppressed)
                if key is not None:
                    suppressed.add(key)
                    changed = True


def feasible_ranges(
    lines: Iterable[tuple[Key, Sequence[Key]]],
    published: Mapping[Key, tuple[float, float]],
    unknown: Sequence[Key],
) -> dict[Key, tuple[float, float]]:
    """The least and greatest value each unknown figure can take, given that each line's
    total is the sum of its parts, each published figure lies within its bounds (a point
    for an exact figure, ±2 around a rounded one), no count is negative, and no hidden
    figure is 0 (every 0 is published). Linear bounds (HiGHS); +inf when nothing bounds
    a figure above."""
    index = {key: i for i, key in enumerate(unknown)}
    rows_eq: list[list[float]] = []
    rhs_eq: list[float] = []
    n = len(unknown)
    # A published figure known only within bounds becomes a variable of its own.
    extra: dict[Key, int] = {}
    # A hidden figure is at least 1: a 0 is always published (an empty group).
    bounds: list[tuple[float, float | None]] = [(1.0, None)] * n
    for key, (low, high) in published.items():
        if low != high:
            extra[key] = n + len(extra)
            bounds.append((max(low, 0.0), high))
    width = n + len(extra)
    for total, parts in lines:
        row = [0.0] * width
        constant = 0.0
        touched = False
        for key, sign in [(total, -1.0), *((p, 1.0) for p in parts)]:
            if key in index:
                row[index[key]] += sign
                touched = True
            elif key in extra:
                row[extra[key]] += sign
                touched = True
            else:
                constant += sign * published[key][0]
        if touched:
            rows_eq.append(row)
            rhs_eq.append(-constant)
    ranges: dict[Key, tuple[float, float]] = {}
    for key, i in index.items():
        objective = [0.0] * width
        objective[i] = 1.0
        low = linprog(objective, A_eq=rows_eq or None, b_eq=rhs_eq or None, bounds=bounds)
        objective[i] = -1.0
        high = linprog(objective, A_eq=rows_eq or None, b_eq=rhs_eq or None, bounds=bounds)
        if low.status != 0 or high.status not in (0, 3):
            raise ArithmeticError("the published figures admit no counts")
        upper = math.inf if high.status == 3 else -float(high.fun)
        ranges[key] = (float(low.fun), upper)
    return ranges


def protected_width(low: float, high: float) -> float:
    """How many whole values apart the least and greatest possible counts are."""
    return math.floor(high + 1e-6) - math.ceil(low - 1e-6) if high != math.inf else math.inf


def _audit(
    lines: Sequence[_Line], values: Mapping[Key, int], suppressed: set[Key], threshold: int
) -> list[Key]:
    published = {k: (float(v), float(v)) for k, v in values.items() if k not in suppressed}
    ranges = feasible_ranges(
        ((line.total, line.parts) for line in lines), published, sorted(suppressed)
    )
    return [k for k, (lo, hi) in sorted(ranges.items()) if protected_width(lo, hi) < threshold]


def smallest_shown(threshold: int, rounded: bool) -> int:
    """The least count published: the threshold, and never one that rounds to 0 (a
    published 0 is always a true 0)."""
    if not rounded:
        return threshold
    return max(threshold, next(v for v in range(1, 2 * ROUNDING_BASE) if round_to_base(v) > 0))


def suppress(
    tables: Sequence[CountTable], threshold: int, *, rounded: bool = False
) -> tuple[dict[Key, int], set[Key]]:
    """The true figures of the release by key, and the keys to suppress."""
    if threshold < 1:
        raise ValueError("the threshold is at least 1")
    values, lines = _figures_and_lines(tables)
    least = smallest_shown(threshold, rounded)
    suppressed = {k for k, v in values.items() if 0 < v < least}
    while True:
        _no_lone_suppressed(lines, values, suppressed)
        if not suppressed:
            return values, suppressed
        weak = _audit(lines, values, suppressed, threshold)
        if not weak:
            return values, suppressed
        before = len(suppressed)
        for key in weak:
            for line in lines:
                if key in line.members():
                    chosen = _pick(line, values, suppressed)
                    if chosen is not None:
                        suppressed.add(chosen)
        if len(suppressed) == before:
            # Every line through a weak figure is suppressed whole: widen to every line
            # that touches a suppressed figure (in the end everything, which is safe).
            for line in lines:
                if any(k in suppressed for k in line.members()):
                    chosen = _pick(line, values, suppressed)
                    if chosen is not None:
                        suppressed.add(chosen)
            if len(suppressed) == before:
                # Every count but the zeros hidden: each could be any whole number from 1 up.
                suppressed.update(k for k, v in values.items() if v > 0)
                if len(suppressed) == before:
                    return values, suppressed


def method_statement(threshold: int, rounded: bool) -> str:
    """How the figures were protected, in plain English, for the front of the release."""
    parts = [
        "These figures are counts of the service's cases. To protect the families and "
        "children they describe, no figure can be used to identify anyone.",
        f"Any count from 1 to {smallest_shown(threshold, rounded) - 1} is not shown: it is "
        f"marked {SUPPRESSED_MARK}. "
        "Counts of 0 are shown, because an empty group identifies nobody.",
        "Some larger counts are also marked " + SUPPRESSED_MARK + ", so that a hidden count "
        "cannot be worked out by subtracting the other figures from a total, in this table "
        "or in any other table of this release. Every hidden count was checked: from the "
        f"published figures it could be any of at least {threshold + 1} whole values.",
    ]
    if rounded:
        parts.append(
            "Every figure shown, totals included, has been rounded to the nearest 5 on its "
            "own, so a total may not equal the sum of the figures above it."
        )
    else:
        parts.append("Figures shown are not rounded.")
    parts.append(
        "No names, dates of birth, addresses, case references or anything written about a "
        "case are included."
    )
    return " ".join(parts)


def protect(tables: Sequence[CountTable], threshold: int, *, rounded: bool = False) -> Release:
    """The release as published: suppression decided on the true counts, then rounding."""
    values, suppressed = suppress(tables, threshold, rounded=rounded)

    def figure(key: Key) -> Figure:
        if key in suppressed:
            return Figure(None)
        value = values[key]
        return Figure(round_to_base(value) if rounded else value)

    published: list[PublishedTable] = []
    for table in tables:
        dims = table.dimensions
        rows = dims[0]
        row_totals = tuple(figure(_key(dims[:1], [r])) for r in rows.codes)
        if len(dims) == 1:
            published.append(
                PublishedTable(table.title, rows, None, (), row_totals, (), figure(()))
            )
            continue
        columns = dims[1]
        cells = tuple(tuple(figure(_key(dims, [r, c])) for c in columns.codes) for r in rows.codes)
        column_totals = tuple(figure(_key(dims[1:], [c])) for c in columns.codes)
        published.append(
            PublishedTable(table.title, rows, columns, cells, row_totals, column_totals, figure(()))
        )
    return Release(
        tables=tuple(published),
        threshold=threshold,
        rounded=rounded,
        suppressed=len(suppressed),
        method=method_statement(threshold, rounded),
    )
