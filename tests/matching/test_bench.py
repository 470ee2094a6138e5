"""The matching benchmark runs at a tiny size and reports every figure it promises."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "matching_bench.py"


def test_the_benchmark_runs_tiny_and_reports_its_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("matching_bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the module is being executed.
    monkeypatch.setitem(sys.modules, spec.name, bench)
    spec.loader.exec_module(bench)

    figures = bench.run(size="tiny")

    assert figures["sites"] > 0 and figures["spaces"] >= figures["sites"]
    for name in ("index_build_s", "single_p50_ms", "single_p99_ms", "ratio_cold", "ratio_warm"):
        assert figures[name] > 0, name
    assert figures["single_p99_ms"] >= figures["single_p50_ms"]
    for batches in (figures["batch_cold_s"], figures["batch_warm_s"]):
        assert list(batches) == [10, 100]
        assert all(seconds > 0 for seconds in batches.values())
