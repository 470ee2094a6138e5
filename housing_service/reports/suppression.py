"""Small-cell suppression: no published count from 1 to k−1, and none that can be worked out.

A table is published with its row totals, column totals and grand total. Read with the
totals as one more row and one more column, every line of that bordered table obeys one
equation (its cells add up to its total). Hiding a set of cells leaves unknowns tied by
those equations; a hidden cell can be worked out exactly when those equations pin it down.

Draw each line (row or column of the bordered table) as a node, and each hidden cell as an
edge between its row and its column. The equations then say: at every node, the hidden
edges add up to a known number. The only freedom they leave is adding and subtracting the
same amount around a cycle of hidden cells, so a hidden cell is pinned down exactly when
its edge lies on no cycle: when it is a *bridge* of that graph. (A hidden cell alone in its
row is the simplest bridge: its total minus the published cells gives it away.)

So: hide every count from 1 to k−1, totals included (primary suppression); then, while a
hidden cell is a bridge, hide one more cell that closes a cycle through it (complementary
suppression), choosing the smallest non-zero count available, so as to hide as little as
possible and never to lean on a zero (a known-empty cell protects nothing). Every hidden
cell is shown the same way, so that a reader can't tell the small ones from the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_K = 5

Cell = tuple[int, int]  # (row, column) in the bordered table; the last row and column are the totals


@dataclass(frozen=True)
class SuppressedTable:
    """A table with its totals, and which of its cells may not be published."""

    counts: tuple[tuple[int, ...], ...]  # bordered: rows + a total row, columns + a total column
    hidden: frozenset[Cell]
    k: int

    def value(self, row: int, column: int) -> int | None:
        """The count to publish, or None where it is suppressed."""
        return None if (row, column) in self.hidden else self.counts[row][column]


def bordered(rows: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """The table with a total for each row, each column and all of it."""
    width = len(rows[0]) if rows else 0
    with_totals = [(*row, sum(row)) for row in rows]
    column_totals = tuple(sum(row[j] for row in with_totals) for j in range(width + 1))
    return (*(tuple(row) for row in with_totals), column_totals)


def suppress(rows: Sequence[Sequence[int]], k: int = DEFAULT_K) -> SuppressedTable:
    """Suppress small cells of `rows` (without totals: they are added) and enough others."""
    return suppress_alike([rows], k)[0]


def suppress_alike(tables: Sequence[Sequence[Sequence[int]]], k: int = DEFAULT_K) -> list[SuppressedTable]:
    """Suppress tables of one shape (e.g. households and persons by tier and household type) alike.

    Two tables of the same cells often share values (one household of one person is a count of 1
    in both): hiding a cell as a complement in one table while the other publishes the same value
    would give it away. So the tables hide the same cells: every cell small in any of them, and
    the complements that pattern needs (which cells give others away depends on the pattern only,
    not on the values).
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    bordered_tables = [bordered(rows) for rows in tables]
    first = bordered_tables[0]
    hidden = {
        (i, j)
        for table in bordered_tables
        for i, line in enumerate(table)
        for j, count in enumerate(line)
        if 0 < count < k
    }
    while bridge := _first_bridge(hidden, len(first), len(first[0])):
        hidden.add(_closing_cell(first, hidden, bridge))
    return [SuppressedTable(table, frozenset(hidden), k) for table in bordered_tables]


def _first_bridge(hidden: set[Cell], height: int, width: int) -> Cell | None:
    """A hidden cell on no cycle of hidden cells (Tarjan's bridges, rows then columns as nodes)."""
    adjacent: dict[int, list[tuple[int, Cell]]] = {}
    for cell in sorted(hidden):
        row_node, column_node = cell[0], height + cell[1]
        adjacent.setdefault(row_node, []).append((column_node, cell))
        adjacent.setdefault(column_node, []).append((row_node, cell))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    for root in sorted(adjacent):
        if root in order:
            continue
        order[root] = low[root] = len(order)
        stack: list[tuple[int, Cell | None, int]] = [(root, None, 0)]
        while stack:
            node, via, next_index = stack.pop()
            if next_index < len(adjacent[node]):
                stack.append((node, via, next_index + 1))
                neighbour, cell = adjacent[node][next_index]
                if cell == via:
                    continue
                if neighbour in order:
                    low[node] = min(low[node], order[neighbour])
                else:
                    order[neighbour] = low[neighbour] = len(order)
                    stack.append((neighbour, cell, 0))
                continue
            if stack and via is not None:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    return via
    return None


def _closing_cell(table: tuple[tuple[int, ...], ...], hidden: set[Cell], bridge: Cell) -> Cell:
    """A published cell that brings `bridge` onto a cycle, or one step nearer to one."""
    height, width = len(table), len(table[0])
    without = hidden - {bridge}
    row_side = _reachable(bridge[0], without, height)
    column_side = _reachable(height + bridge[1], without, height)

    def rows(side: set[int]) -> list[int]:
        return [node for node in side if node < height]

    def columns(side: set[int]) -> list[int]:
        return [node - height for node in side if node >= height]

    joining = [(i, j) for i in rows(row_side) for j in columns(column_side)]
    joining += [(i, j) for i in rows(column_side) for j in columns(row_side)]
    candidates = [cell for cell in joining if cell not in hidden]
    if not candidates:
        # One end of the bridge is a line with no other hidden cell: hide a second cell in
        # it, so that a cycle can pass through; the loop then closes that cycle.
        if not columns(row_side):
            candidates = [(bridge[0], j) for j in range(width) if (bridge[0], j) not in hidden]
        else:
            candidates = [(i, bridge[1]) for i in range(height) if (i, bridge[1]) not in hidden]
    # The smallest count that is not zero (a zero hides nothing); inner cells before totals.
    return min(
        candidates,
        key=lambda cell: (
            table[cell[0]][cell[1]] == 0,
            cell[0] == height - 1 or cell[1] == width - 1,
            table[cell[0]][cell[1]],
            cell,
        ),
    )


def _reachable(start: int, hidden: set[Cell], height: int) -> set[int]:
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for i, j in hidden:
            for a, b in ((i, height + j), (height + j, i)):
                if a == node and b not in seen:
                    seen.add(b)
                    frontier.append(b)
    return seen
