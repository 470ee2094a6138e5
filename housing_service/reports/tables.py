"""Report tables: counts with their totals and small cells suppressed, or figures (rates, days).

Every count table passes through `suppression.suppress` before anything sees it, so the
pages, the CSV downloads and the API publish the very same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .suppression import SuppressedTable, suppress_alike

TOTAL = "Total"


@dataclass(frozen=True)
class Cell:
    value: int | float | None  # None: suppressed (or no figure)
    suppressed: bool = False

    def text(self) -> str:
        if self.suppressed:
            return "suppressed"
        if self.value is None:
            return "–"
        if isinstance(self.value, float):
            return f"{self.value:.1f}"
        return str(self.value)


@dataclass(frozen=True)
class Table:
    name: str  # short and stable: the CSV's file name and the API's key
    title: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Cell, ...]], ...]
    counts: bool  # counts (suppressed) or figures (rates, averages)
    note: str = ""

    @property
    def has_suppressed(self) -> bool:
        return any(cell.suppressed for _label, cells in self.rows for cell in cells)

    def as_text_rows(self) -> list[list[str]]:
        """Header and rows as they are published (CSV, pages)."""
        return [[self.row_header, *self.columns]] + [
            [label, *(c.text() for c in cells)] for label, cells in self.rows
        ]

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "row_header": self.row_header,
            "columns": list(self.columns),
            "counts": self.counts,
            "note": self.note,
            "rows": [
                {"label": label, "cells": [{"value": c.value, "suppressed": c.suppressed} for c in cells]}
                for label, cells in self.rows
            ],
        }


def count_table(
    name: str,
    title: str,
    row_header: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    counts: Sequence[Sequence[int]],
    k: int,
    *,
    row_totals: bool = True,
    note: str = "",
) -> Table:
    """A table of counts with its totals, small cells (and their complements) suppressed."""
    return _shaped(
        name, title, row_header, row_labels, column_labels, suppress_alike([counts], k)[0], row_totals, note
    )


def count_tables_alike(
    specs: Sequence[tuple[str, str, Sequence[Sequence[int]], str]],
    row_header: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    k: int,
) -> tuple[Table, ...]:
    """Tables of the same cells (name, title, counts, note each), suppressed alike (see suppress_alike)."""
    suppressed = suppress_alike([counts for _name, _title, counts, _note in specs], k)
    return tuple(
        _shaped(name, title, row_header, row_labels, column_labels, table, True, note)
        for (name, title, _counts, note), table in zip(specs, suppressed, strict=True)
    )


def _shaped(
    name: str,
    title: str,
    row_header: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    suppressed: SuppressedTable,
    row_totals: bool,
    note: str,
) -> Table:
    height, width = len(row_labels), len(column_labels)
    shown_columns = range(width + 1) if row_totals else range(width)

    def cells(i: int) -> tuple[Cell, ...]:
        return tuple(Cell(suppressed.value(i, j), (i, j) in suppressed.hidden) for j in shown_columns)

    rows = [(label, cells(i)) for i, label in enumerate(row_labels)]
    rows.append((TOTAL, cells(height)))
    columns = (*column_labels, TOTAL) if row_totals else tuple(column_labels)
    return Table(name, title, row_header, columns, tuple(rows), True, note)


def figure_table(
    name: str,
    title: str,
    row_header: str,
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    figures: Sequence[Sequence[int | float | Cell | None]],
    note: str = "",
) -> Table:
    """A table of figures (rates, averages) that are not counts of people."""
    rows = tuple(
        (label, tuple(v if isinstance(v, Cell) else Cell(v) for v in line))
        for label, line in zip(row_labels, figures, strict=True)
    )
    return Table(name, title, row_header, tuple(column_labels), rows, False, note)
