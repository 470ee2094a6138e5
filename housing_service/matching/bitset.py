"""Sets of sites as Python ints: bit i stands for the i-th site of a tier, in (name, id) order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def mask_of(indexes: Iterable[int]) -> int:
    """The set holding these site indexes."""
    mask = 0
    for index in indexes:
        mask |= 1 << index
    return mask


def indexes_of(mask: int) -> Iterator[int]:
    """The site indexes in a set, lowest first, which is (name, id) order."""
    while mask:
        lowest = mask & -mask
        yield lowest.bit_length() - 1
        mask ^= lowest
