"""Disclosure control (rule 12), without the database: hand-worked tables, then an
attacker who sees only what a release publishes and works out, by linear programming over
every table of the release, the least and greatest value each hidden count can take."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from confide.platform.statistics.disclosure import (
    CountTable,
    Dimension,
    PublishedTable,
    Release,
    protect,
    round_to_base,
)

ROUTE = Dimension(
    "route", "Referral route", (("self", "Self"), ("pro", "Professional"), ("other", "Other"))
)
AGE = Dimension("age", "Age band", (("0-4", "0 to 4"), ("5-10", "5 to 10"), ("11-15", "11 to 15")))
AGE_BANDS = Dimension(
    "age_band", "Age", tuple((c, c) for c in ("0-4", "5-10", "11-15", "16-18", "19-25", "26+", "?"))
)
NEED = Dimension("need", "Primary need", (("asd", "Autism"), ("semh", "SEMH"), ("sli", "Speech")))


def table(rows: Dimension, columns: Dimension, grid: Sequence[Sequence[int]]) -> CountTable:
    return CountTable(
        f"{rows.label} by {columns.label}",
        (rows, columns),
        {(r, c): grid[i][j] for i, r in enumerate(rows.codes) for j, c in enumerate(columns.codes)},
    )


def shown(published: PublishedTable) -> list[list[str]]:
    """The table as printed: each row's cells then its total, the column totals last."""
    body = [
        [f.shown for f in row] + [total.shown]
        for row, total in zip(published.cells, published.row_totals, strict=True)
    ]
    return [*body, [f.shown for f in published.column_totals] + [published.grand_total.shown]]


# --- the attacker: only what was published ------------------------------------------------

Name = tuple[int, str, int, int]  # (table, "cell" | "row" | "column" | "grand", i, j)


def attack(release: Release) -> dict[Name, tuple[float, float]]:
    """For every hidden figure, the least and greatest value it can take given every
    published figure (within ±2 when rounded, but a published 0 exactly: only an empty
    group is shown as 0, so a hidden figure is at least 1), that totals are sums, that
    the same total in two tables is one number, and that no count is negative."""

    # The same total in two tables is the same unknown: name totals by dimension; a
    # category the release says is the same cases as another's (``Dimension.shared``, as
    # its label says: "not known, erased before this was kept") by that group.
    def total_name(t: int, kind: str, i: int) -> object:
        p = release.tables[t]
        if kind == "grand":
            return ("grand",)
        dim = p.rows if kind == "row" else p.columns
        assert dim is not None
        group = dict(dim.shared).get(dim.codes[i])
        return ("shared", group) if group is not None else (dim.name, dim.codes[i])

    variables: dict[object, int] = {}
    hidden: dict[Name, object] = {}
    bounds: list[tuple[float, float | None]] = []
    equations: list[list[tuple[object, float]]] = []

    def var(name: object, shown_value: int | None) -> object:
        if name not in variables:
            variables[name] = len(bounds)
            if shown_value is None:  # every 0 is published: a hidden count is at least 1
                bounds.append((1.0, None))
            elif release.rounded and shown_value != 0:  # a published 0 is a true 0
                bounds.append((max(0.0, shown_value - 2.0), shown_value + 2.0))
            else:
                bounds.append((float(shown_value), float(shown_value)))
        return name

    for t, p in enumerate(release.tables):
        grand = var(total_name(t, "grand", 0), p.grand_total.value)
        if p.grand_total.suppressed:
            hidden[(t, "grand", 0, 0)] = grand
        rows = []
        for i, f in enumerate(p.row_totals):
            rows.append(var(total_name(t, "row", i), f.value))
            if f.suppressed:
                hidden[(t, "row", i, 0)] = rows[-1]
        equations.append([(grand, -1.0), *((r, 1.0) for r in rows)])
        if p.columns is None:
            continue
        columns = []
        for j, f in enumerate(p.column_totals):
            columns.append(var(total_name(t, "column", j), f.value))
            if f.suppressed:
                hidden[(t, "column", j, 0)] = columns[-1]
        equations.append([(grand, -1.0), *((c, 1.0) for c in columns)])
        cells = [
            [var((t, i, j), f.value) for j, f in enumerate(row)] for i, row in enumerate(p.cells)
        ]
        for i, row in enumerate(p.cells):
            for j, f in enumerate(row):
                if f.suppressed:
                    hidden[(t, "cell", i, j)] = cells[i][j]
        for i, r in enumerate(rows):
            equations.append([(r, -1.0), *((c, 1.0) for c in cells[i])])
        for j, c in enumerate(columns):
            equations.append([(c, -1.0), *((cells[i][j], 1.0) for i in range(len(rows)))])

    a_eq = []
    for equation in equations:
        row = [0.0] * len(bounds)
        for name, sign in equation:
            row[variables[name]] += sign
        a_eq.append(row)
    b_eq = [0.0] * len(a_eq)
    ranges: dict[Name, tuple[float, float]] = {}
    for name, v in hidden.items():
        objective = [0.0] * len(bounds)
        objective[variables[v]] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
        objective[variables[v]] = -1.0
        high = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=bounds)
        assert low.status == 0, "the published figures must admit the true counts"
        ranges[name] = (low.fun, math.inf if high.status == 3 else -high.fun)
    return ranges


def assert_protected(release: Release) -> None:
    for name, (low, high) in attack(release).items():
        width = math.inf if high == math.inf else math.floor(high + 1e-6) - math.ceil(low - 1e-6)
        assert width >= release.threshold, f"{name} can be worked out to between {low} and {high}"


def true_figures(
    tables: Sequence[CountTable],
) -> list[tuple[list[list[int]], list[int], list[int], int]]:
    out = []
    for t in tables:
        rows, columns = t.dimensions[0], t.dimensions[-1]
        if len(t.dimensions) == 1:
            totals = [t.counts.get((r,), 0) for r in rows.codes]
            out.append(([], totals, [], sum(totals)))
            continue
        grid = [[t.counts.get((r, c), 0) for c in columns.codes] for r in rows.codes]
        out.append(
            (
                grid,
                [sum(r) for r in grid],
                [sum(col) for col in zip(*grid, strict=True)],
                sum(map(sum, grid)),
            )
        )
    return out


def assert_published_figures_are_true_and_never_small(
    tables: Sequence[CountTable], release: Release
) -> None:
    for (grid, row_totals, column_totals, grand), p in zip(
        true_figures(tables), release.tables, strict=True
    ):
        pairs = [
            *(
                (true, f)
                for true_row, row in zip(grid, p.cells, strict=True)
                for true, f in zip(true_row, row, strict=True)
            ),
            *zip(row_totals, p.row_totals, strict=True),
            *zip(column_totals, p.column_totals, strict=True),
            (grand, p.grand_total),
        ]
        for true, f in pairs:
            if 0 < true < release.threshold:
                assert f.suppressed
            if f.value == 0:
                assert true == 0, "a non-empty group was published as 0"
            if not f.suppressed:
                assert f.value == (round_to_base(true) if release.rounded else true)


# --- hand-worked tables -------------------------------------------------------------------

CASES = [
    pytest.param(
        [[20, 30, 40], [12, 9, 14], [7, 8, 11]],
        [
            ["20", "30", "40", "90"],
            ["12", "9", "14", "35"],
            ["7", "8", "11", "26"],
            ["39", "47", "65", "151"],
        ],
        id="nothing-small-nothing-hidden",
    ),
    pytest.param(
        # The classic: 3 alone hidden in its row would be 53 - 20 - 30.
        [[20, 3, 30], [12, 9, 14], [7, 8, 11]],
        [
            ["[c]", "[c]", "30", "53"],
            ["12", "9", "14", "35"],
            ["[c]", "[c]", "11", "26"],
            ["39", "20", "55", "114"],
        ],
        id="one-small-cell-needs-three-more",
    ),
    pytest.param(
        # Zeros are shown: an empty group identifies nobody.
        [[20, 0, 30], [12, 9, 14], [7, 8, 11]],
        [
            ["20", "0", "30", "50"],
            ["12", "9", "14", "35"],
            ["7", "8", "11", "26"],
            ["39", "17", "55", "111"],
        ],
        id="zeros-are-shown",
    ),
    pytest.param(
        # Two small cells in one row do not protect each other: with 30 and the row's 35
        # shown they add up to 5, and each hidden figure is at least 1, so either is 1 to 4
        # (fewer than 6 values). The row's total goes, and with it enough of the others
        # that neither can be narrowed from the columns.
        [[2, 3, 30], [12, 9, 14], [7, 8, 11]],
        [
            ["[c]", "[c]", "[c]", "[c]"],
            ["[c]", "[c]", "14", "35"],
            ["[c]", "[c]", "[c]", "[c]"],
            ["[c]", "[c]", "55", "96"],
        ],
        id="two-small-cells-in-a-row",
    ),
    pytest.param(
        # A small row total: the row is hidden whole, and another row with it, or the
        # grand total would give it away.
        [[1, 1, 1], [12, 9, 14], [7, 8, 11]],
        [
            ["[c]", "[c]", "[c]", "[c]"],
            ["12", "9", "14", "35"],
            ["[c]", "[c]", "[c]", "[c]"],
            ["20", "18", "26", "64"],
        ],
        id="a-small-row-total",
    ),
    pytest.param(
        # Protection is a range, not just "not exact": 1 next to 0 and 2 could be worked
        # out to 0..3, so a larger complement is found.
        [[1, 2, 30], [0, 3, 14], [7, 8, 11]],
        None,
        id="a-narrow-range-is-widened",
    ),
]


@pytest.mark.parametrize(("grid", "expected"), CASES)
def test_hand_worked_tables(grid: list[list[int]], expected: list[list[str]] | None) -> None:
    tables = [table(ROUTE, AGE, grid)]
    release = protect(tables, 5)
    if expected is not None:
        assert shown(release.tables[0]) == expected
    assert_published_figures_are_true_and_never_small(tables, release)
    assert_protected(release)


def test_a_one_way_table_hides_a_second_category_with_a_small_one() -> None:
    tables = [CountTable("Route", (ROUTE,), {("self",): 40, ("pro",): 2, ("other",): 9})]
    release = protect(tables, 5)
    assert [f.shown for f in release.tables[0].row_totals] == ["40", "[c]", "[c]"]
    assert release.tables[0].grand_total.shown == "51"
    assert_protected(release)


def test_five_hidden_ones_are_not_published_beside_their_total() -> None:
    # Every 0 is published, so each hidden figure is at least 1: five hidden figures with
    # a total of 5 would each be exactly 1. The total is hidden too.
    counts = dict(zip(AGE_BANDS.codes, [1, 1, 1, 1, 1, 0, 0], strict=True))
    ages = CountTable("Age", (AGE_BANDS,), {(code,): n for code, n in counts.items()})
    release = protect([ages], 5)
    published = release.tables[0]
    assert [f.shown for f in published.row_totals] == ["[c]"] * 5 + ["0", "0"]
    assert published.grand_total.suppressed
    assert_protected(release)


def test_tables_sharing_a_total_are_protected_together() -> None:
    # Route by age alone hides nothing; route by need must hide a small count, and its
    # route totals are the same figures as route by age's, so the attack uses both.
    by_age = table(ROUTE, AGE, [[20, 10, 30], [12, 9, 14], [7, 8, 11]])
    by_need = table(ROUTE, NEED, [[57, 1, 2], [12, 9, 14], [7, 8, 11]])
    release = protect([by_age, by_need], 5)
    assert_published_figures_are_true_and_never_small([by_age, by_need], release)
    assert_protected(release)
    # The same figure is shown the same way in both tables.
    assert [f.shown for f in release.tables[0].row_totals] == [
        f.shown for f in release.tables[1].row_totals
    ]


def test_a_small_total_shared_by_two_tables_is_hidden_in_both() -> None:
    by_age = table(ROUTE, AGE, [[20, 10, 30], [1, 1, 1], [7, 8, 11]])
    by_need = table(ROUTE, NEED, [[20, 10, 30], [1, 2, 0], [7, 8, 11]])
    release = protect([by_age, by_need], 5)
    for p in release.tables:
        assert p.row_totals[1].suppressed
    assert_published_figures_are_true_and_never_small([by_age, by_need], release)
    assert_protected(release)


def test_a_group_in_two_tables_is_one_figure_hidden_in_both_or_neither() -> None:
    # Cases erased before their channel and first reply were kept are "not known" in both
    # tables: the same 7 cases. Were they two figures, the channel table's hidden letter
    # would be total - phone - unknown = 30 - 20 - 7 = 3 once the reply table shows 7.
    early = (("unknown", "erased_early"),)
    channel = Dimension(
        "channel", "Channel", (("phone", "Phone"), ("letter", "Letter"), ("unknown", "?")), early
    )
    reply = Dimension("reply", "First reply", (("0-1", "0 to 1"), ("unknown", "?")), early)
    tables = [
        CountTable("Channel", (channel,), {("phone",): 20, ("letter",): 3, ("unknown",): 7}),
        CountTable("Reply", (reply,), {("0-1",): 23, ("unknown",): 7}),
    ]
    release = protect(tables, 5)
    assert release.tables[0].row_totals[1].suppressed
    assert release.tables[0].row_totals[2].suppressed == release.tables[1].row_totals[1].suppressed
    assert_published_figures_are_true_and_never_small(tables, release)
    assert_protected(release)
    # The shared group must be the same count in both tables.
    with pytest.raises(ValueError, match="differs"):
        protect([tables[0], CountTable("Reply", (reply,), {("0-1",): 22, ("unknown",): 8})], 5)


def test_the_returns_erased_group_is_one_figure_in_channel_reply_and_school_phase() -> None:
    # Eight cases erased before their channel, first reply and school phase were kept:
    # "not known (case erased)" in all three of the return's tables. Were the phase's its
    # own figure, the phase table would publish the 8 the channel table hides (and with
    # it the 2 letters); were they inside the kept cases' "not known" phase, as before,
    # that figure would bound the hidden one: an inequality the audit does not know.
    from confide.platform.statistics.schemas import CaseCount, YearFigures
    from confide.platform.statistics.services import case_tables

    def cases(channel: str, response: str, phase: str, n: int) -> CaseCount:
        return CaseCount("parent", "self", "11-15", 1, "recorded", "closed", n, channel,
                         response, phase)  # fmt: skip

    figures = YearFigures(
        2016,
        (cases("phone", "0-1", "primary", 20), cases("letter", "2-5", "primary", 2),
         cases("unknown", "unknown", "erased", 8)),
        {},
    )  # fmt: skip
    tables = case_tables(figures, ("Information", "Advice", "Support", "Casework"))
    release = protect(tables, 5)
    erased = [
        (p.rows.codes.index(code), p)
        for p, code in zip(release.tables[4:7], ("unknown", "unknown", "erased"), strict=True)
    ]
    assert [p.rows.name for _, p in erased] == ["channel", "response", "school_phase"]
    assert [p.row_totals[i].shown for i, p in erased] == ["[c]", "[c]", "[c]"]
    assert_published_figures_are_true_and_never_small(tables, release)
    assert_protected(release)
    # The kept cases' "not known" phase is a group of its own.
    kept_unknown = cases("phone", "0-1", "unknown", 3)
    mixed = case_tables(
        YearFigures(2016, (*figures.counts, kept_unknown), {}), ("A", "B", "C", "D")
    )
    assert mixed[6].counts == {("primary",): 22, ("erased",): 8, ("unknown",): 3}


def test_tables_of_one_population_must_agree_on_shared_totals() -> None:
    with pytest.raises(ValueError, match="differs"):
        protect(
            [
                table(ROUTE, AGE, [[20, 10, 30], [12, 9, 14], [7, 8, 11]]),
                table(ROUTE, NEED, [[20, 10, 31], [12, 9, 14], [7, 8, 11]]),
            ],
            5,
        )


@pytest.mark.parametrize(
    ("value", "rounded"),
    [(0, 0), (1, 0), (2, 0), (3, 5), (7, 5), (8, 10), (12, 10), (13, 15), (151, 150)],
)
def test_rounding_to_5_halves_up(value: int, rounded: int) -> None:
    assert round_to_base(value) == rounded


def test_a_rounded_release_never_publishes_a_small_count_as_zero() -> None:
    # With a threshold of 2, a count of 2 is above it, but rounds to 0: it is hidden
    # instead, so every published 0 is an empty group (and an attacker knows it).
    ages = CountTable("Age", (AGE,), {("0-4",): 2, ("5-10",): 11, ("11-15",): 14})
    release = protect([ages], 2, rounded=True)
    [published] = release.tables
    assert [f.shown for f in published.row_totals] == ["[c]", "[c]", "15"]
    assert published.grand_total.shown == "25"
    assert "Any count from 1 to 2 is not shown" in release.method
    assert "Any count from 1 to 1 is not shown" in protect([ages], 2).method


def test_rounded_totals_are_rounded_on_their_own_and_the_release_says_so() -> None:
    tables = [table(ROUTE, AGE, [[21, 3, 31], [12, 9, 14], [7, 8, 11]])]
    release = protect(tables, 5, rounded=True)
    p = release.tables[0]
    assert shown(p)[1] == ["10", "10", "15", "35"]
    # 12 + 9 + 14 = 35, rounded on its own; the column of 14 and 11 (and a hidden 31)
    # totals 56, shown as 55, not the sum of what is shown above it.
    assert p.column_totals[2].shown == "55"
    assert "rounded to the nearest 5" in release.method
    assert_published_figures_are_true_and_never_small(tables, release)
    assert_protected(release)


def test_the_method_statement_names_the_threshold_and_zeros() -> None:
    release = protect([table(ROUTE, AGE, [[20, 3, 30], [12, 9, 14], [7, 8, 11]])], 10)
    assert "Any count from 1 to 9 is not shown" in release.method
    assert "Counts of 0 are shown" in release.method
    assert "not rounded" in release.method


# --- the attack over generated releases ---------------------------------------------------

counts = st.integers(min_value=0, max_value=25) | st.integers(min_value=0, max_value=4)
grids = st.lists(st.lists(counts, min_size=3, max_size=3), min_size=3, max_size=3)


@st.composite
def releases(draw: st.DrawFn) -> tuple[list[CountTable], int, bool]:
    """One to three tables over one population: route by age, route by need, age alone
    (the age totals then have to agree with route by age's)."""
    by_age = draw(grids)
    tables = [table(ROUTE, AGE, by_age)]
    if draw(st.booleans()):
        # Route by need: its route totals must be route by age's. Spread each route's
        # total over the three needs at random.
        grid = []
        for row in by_age:
            total = sum(row)
            a = draw(st.integers(0, total))
            b = draw(st.integers(0, total - a))
            grid.append([a, b, total - a - b])
        tables.append(table(ROUTE, NEED, grid))
    if draw(st.booleans()):
        ages = [sum(col) for col in zip(*by_age, strict=True)]
        tables.append(
            CountTable("Age", (AGE,), dict(zip([(c,) for c in AGE.codes], ages, strict=True)))
        )
    return tables, draw(st.sampled_from([2, 3, 5, 10])), draw(st.booleans())


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(releases())
def test_no_hidden_count_can_be_worked_out_from_a_generated_release(
    drawn: tuple[list[CountTable], int, bool],
) -> None:
    tables, threshold, rounded = drawn
    release = protect(tables, threshold, rounded=rounded)
    assert_published_figures_are_true_and_never_small(tables, release)
    assert_protected(release)
