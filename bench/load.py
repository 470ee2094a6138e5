"""wrk, driven from Python: Lua scripts with their requests built in, and the figures read back.

Every script counts responses by status and prints one line, `BENCH_JSON {...}`, from wrk's
done(): requests, duration, errors, latency percentiles (microseconds) and status counts.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKER = "BENCH_JSON "

_COMMON = r"""
local threads = {}
local counter = 0
statuses = {}  -- a global: done() reads it from each thread

function setup(thread)
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

function init(args)
  counter = thread_index
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(totals) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect_errors": %d, ' ..
    '"read_errors": %d, "write_errors": %d, "timeouts": %d, "non_2xx_3xx": %d, ' ..
    '"latency_us": {"mean": %.1f, "p50": %d, "p90": %d, "p99": %d, "max": %d}, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, summary.errors.status, latency.mean,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    table.concat(parts, ", ")))
end
"""


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid Lua string literal for ASCII text


def get_script(paths: list[str], token: str | None) -> str:
    """GET requests cycling through `paths`; each wrk thread starts at its own offset."""
    items = ",\n".join(f"  {_lua_string(path)}" for path in paths)
    header = f'wrk.headers["Authorization"] = {_lua_string("Bearer " + token)}\n' if token else ""
    return (
        f"local paths = {{\n{items}\n}}\n{header}{_COMMON}\n"
        "function request()\n"
        "  counter = counter + 1\n"
        '  return wrk.format("GET", paths[(counter % #paths) + 1])\n'
        "end\n"
    )


def post_script(path: str, bodies: list[str], token: str, threads: int) -> str:
    """POST requests with JSON `bodies`, each sent once: thread i of T takes i, i+T, … (then wraps)."""
    items = ",\n".join(f"  {_lua_string(body)}" for body in bodies)
    return (
        f"local bodies = {{\n{items}\n}}\n"
        f'wrk.method = "POST"\n'
        f'wrk.headers["Content-Type"] = "application/json"\n'
        f'wrk.headers["Authorization"] = {_lua_string("Bearer " + token)}\n'
        f"{_COMMON}\n"
        "function request()\n"
        "  local body = bodies[(counter % #bodies) + 1]\n"
        f"  counter = counter + {threads}\n"
        f'  return wrk.format("POST", {_lua_string(path)}, nil, body)\n'
        "end\n"
    )


@dataclass(frozen=True)
class Load:
    """One wrk run's figures."""

    requests: int
    seconds: float
    latency_us: dict[str, float]
    statuses: dict[int, int]
    socket_errors: int
    timeouts: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def rate_of(self, status: int) -> float:
        return self.statuses.get(status, 0) / self.seconds

    def as_dict(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 3),
            "throughput": round(self.throughput, 1),
            "latency_ms": {key: round(value / 1000, 3) for key, value in self.latency_us.items()},
            "statuses": self.statuses,
            "socket_errors": self.socket_errors,
            "timeouts": self.timeouts,
        }


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str:
    path = wrk_path()
    if path is None:
        return "missing"
    result = subprocess.run([path, "-v"], capture_output=True, text=True, check=False)  # noqa: S603
    return (result.stdout + result.stderr).splitlines()[0].split(" Copyright")[0].strip()


def run_wrk(
    url: str,
    script: str,
    *,
    seconds: float,
    connections: int,
    threads: int,
    workdir: Path,
    name: str,
) -> Load:
    """Run wrk for `seconds` against `url` with `script`; wrk's own process, bounded in time."""
    path = wrk_path()
    if path is None:
        raise RuntimeError("wrk is not installed (apt-get install -y wrk)")
    script_path = workdir / f"{name}.lua"
    script_path.write_text(script)
    command = [
        path,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script_path),
        url,
    ]
    result = subprocess.run(  # noqa: S603 - wrk, with arguments we built
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    (workdir / f"{name}.out").write_text(result.stdout + result.stderr)
    line = next((line for line in result.stdout.splitlines() if line.startswith(MARKER)), None)
    if result.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout[-500:]}"
        )
    raw = json.loads(line.removeprefix(MARKER))
    return Load(
        requests=raw["requests"],
        seconds=raw["duration_us"] / 1e6,
        latency_us=raw["latency_us"],
        statuses={int(status): count for status, count in raw["statuses"].items()},
        socket_errors=raw["connect_errors"] + raw["read_errors"] + raw["write_errors"],
        timeouts=raw["timeouts"],
    )


def run_wrk_on_hosts(
    urls: list[str],
    scripts: list[str],
    *,
    seconds: float,
    connections: int,
    threads: int,
    workdir: Path,
    name: str,
) -> list[Load]:
    """The same load on several hosts at once, one wrk per host, sharing `connections`
    between them (as a load balancer would spread them); one host gets them all."""
    share = max(1, connections // len(urls))
    names = [name] if len(urls) == 1 else [f"{name}-host{number}" for number in range(1, len(urls) + 1)]
    with ThreadPoolExecutor(len(urls)) as pool:
        running = [
            pool.submit(
                run_wrk, url, script, seconds=seconds, connections=share, threads=threads,
                workdir=workdir, name=each,
            )
            for url, script, each in zip(urls, scripts, names, strict=True)
        ]  # fmt: skip
    return [future.result() for future in running]


def combined(loads: list[Load]) -> Load:
    """Loads that ran at the same time on several hosts, as one: requests, statuses and
    throughput add up; each latency percentile is the slowest host's (wrk can't merge its
    histograms, so the aggregate p99 is an upper bound), the mean is weighted by requests."""
    if len(loads) == 1:
        return loads[0]
    requests = sum(each.requests for each in loads)
    throughput = sum(each.throughput for each in loads)
    latency = {key: max(each.latency_us[key] for each in loads) for key in loads[0].latency_us}
    latency["mean"] = sum(each.latency_us["mean"] * each.requests for each in loads) / max(1, requests)
    statuses: Counter[int] = Counter()
    for each in loads:
        statuses.update(each.statuses)
    return Load(
        requests=requests,
        seconds=requests / throughput if throughput else max(each.seconds for each in loads),
        latency_us=latency,
        statuses=dict(statuses),
        socket_errors=sum(each.socket_errors for each in loads),
        timeouts=sum(each.timeouts for each in loads),
    )
