"""Small-cell suppression, checked over random tables against an independent algebraic test."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from housing_service.reports.suppression import suppress, suppress_alike

# Counts shaped like a small coalition's: many zeros and small numbers, some large ones.
counts = st.one_of(st.just(0), st.integers(1, 6), st.integers(0, 60))
tables = st.integers(1, 5).flatmap(
    lambda width: st.lists(st.lists(counts, min_size=width, max_size=width), min_size=1, max_size=6)
)


def determined_cells(table, hidden):
    """Hidden cells whose value follows from the published cells and the totals.

    Independent of the implementation's graph reasoning: write every line's equation of the
    bordered table in the hidden unknowns, reduce it (exact fractions), and call a cell
    determined when its unit vector lies in the span of those equations.
    """
    height, width = len(table), len(table[0])
    unknowns = sorted(hidden)
    position = {cell: n for n, cell in enumerate(unknowns)}
    equations = []
    for i in range(height):  # each row: inner cells minus the row's total = 0
        equations.append({(i, j): (-1 if j == width - 1 else 1) for j in range(width)})
    for j in range(width):
        equations.append({(i, j): (-1 if i == height - 1 else 1) for i in range(height)})
    rows = []
    for equation in equations:
        rows.append([Fraction(equation.get(cell, 0)) for cell in unknowns])
    basis = _row_reduce(rows, len(unknowns))
    determined = set()
    for cell in unknowns:
        target = [Fraction(0)] * len(unknowns)
        target[position[cell]] = Fraction(1)
        if _in_span(basis, target):
            determined.add(cell)
    return determined


def _row_reduce(rows, n):
    basis = []  # (pivot column, row) in reduced form
    for row in rows:
        row = row[:]
        for pivot, base in basis:
            if row[pivot]:
                factor = row[pivot]
                row = [a - factor * b for a, b in zip(row, base, strict=True)]
        pivot = next((c for c in range(n) if row[c]), None)
        if pivot is None:
            continue
        row = [a / row[pivot] for a in row]
        basis = [
            (p, [a - b[pivot] * r for a, r in zip(b, row, strict=True)]) if b[pivot] else (p, b)
            for p, b in basis
        ]
        basis.append((pivot, row))
    return basis


def _in_span(basis, target):
    rest = target[:]
    for pivot, base in basis:
        if rest[pivot]:
            factor = rest[pivot]
            rest = [a - factor * b for a, b in zip(rest, base, strict=True)]
    return not any(rest)


@settings(max_examples=400, deadline=None)
@given(tables, st.integers(2, 8))
def test_no_small_count_is_published_and_no_hidden_one_can_be_worked_out(rows, k):
    table = suppress(rows, k)
    for i, line in enumerate(table.counts):
        for j, _count in enumerate(line):
            published = table.value(i, j)
            assert published is None or not 0 < published < k
    assert determined_cells(table.counts, table.hidden) == set()


@settings(max_examples=200, deadline=None)
@given(tables)
def test_a_table_without_small_counts_is_published_whole(rows):
    if any(0 < count < 5 for row in rows for count in row) or any(0 < sum(row) < 5 for row in rows):
        return
    column_totals = [sum(column) for column in zip(*rows, strict=True)]
    if any(0 < total < 5 for total in column_totals) or 0 < sum(column_totals) < 5:
        return
    assert suppress(rows).hidden == frozenset()


def test_one_small_cell_in_a_row_with_its_total_takes_a_partner_in_its_row_and_column():
    # 3 alone would be 13 − 10; hiding a second cell of its row and column closes the loop.
    table = suppress([[3, 10], [10, 10]])
    assert (0, 0) in table.hidden
    assert any(cell[0] == 0 and cell != (0, 0) for cell in table.hidden)
    assert any(cell[1] == 0 and cell != (0, 0) for cell in table.hidden)
    assert determined_cells(table.counts, table.hidden) == set()


def test_the_algebraic_check_itself_finds_a_cell_given_away_by_its_total():
    # Guard against a check that cannot fail: a lone hidden cell is worked out from its row.
    counts = ((3, 10, 13), (10, 10, 20), (13, 20, 33))
    assert determined_cells(counts, {(0, 0)}) == {(0, 0)}
    # and two hidden cells joined by a bridge between two cycles: the bridge is given away
    wide = ((5, 5, 0, 0, 10), (5, 5, 7, 0, 17), (0, 0, 7, 7, 14), (0, 0, 7, 7, 14), (10, 10, 21, 14, 55))
    cycle_a = {(0, 0), (0, 1), (1, 0), (1, 1)}
    cycle_b = {(2, 2), (2, 3), (3, 2), (3, 3)}
    assert determined_cells(wide, cycle_a | cycle_b | {(1, 2)}) == {(1, 2)}


def test_k_below_two_is_refused():
    with pytest.raises(ValueError):
        suppress([[1]], 1)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.integers(1, 4).flatmap(
            lambda height: st.tuples(
                *[
                    st.lists(
                        st.lists(counts, min_size=width, max_size=width), min_size=height, max_size=height
                    )
                ]
                * 2
            )
        )
    ),
    st.integers(2, 6),
)
def test_tables_of_the_same_cells_hide_the_same_cells(pair, k):
    # Households and persons: a cell hidden in one and published in the other gives it away.
    first, second = suppress_alike(pair, k)
    assert first.hidden == second.hidden
    for table in (first, second):
        for i, line in enumerate(table.counts):
            for j, _count in enumerate(line):
                value = table.value(i, j)
                assert value is None or not 0 < value < k
        assert determined_cells(table.counts, table.hidden) == set()
