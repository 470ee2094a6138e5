"""The holds load stops before its distinct (survivor, bed) pairs run out."""

from bench.run import HOLDS_PAIRS_MARGIN, holds_seconds


def test_the_full_duration_when_the_pairs_last():
    assert holds_seconds(20, pairs=3000, rates=[100.0]) == 20


def test_shorter_when_the_fastest_rate_seen_would_use_the_pairs_up():
    seconds = holds_seconds(20, pairs=2886, rates=[180.0, 270.0])
    assert seconds == round(HOLDS_PAIRS_MARGIN * 2886 / 270, 1)
    assert seconds * 270 < 2886


def test_the_full_duration_before_any_rate_is_known():
    assert holds_seconds(20, pairs=10, rates=[]) == 20
    assert holds_seconds(20, pairs=10, rates=[0.0]) == 20
