"""What the benchmarks measure with: timings, peak memory, a spawned child, the commit."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def timed(
    action: Callable[[], Any], repeats: int, before: Callable[[], None] | None = None
) -> tuple[float, float, Any]:
    """Median wall and CPU time of `repeats` calls (each after `before`); the last result.

    CPU time is the process's own, so it holds up when the machine is busy with others."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        if before is not None:
            before()
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def peak_rss_mib() -> float:
    """This process's peak resident memory so far (`ru_maxrss`), in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(function: Callable[..., Any], *args: Any) -> Any:
    """Run `function(*args)` in a fresh spawned process, so its peak memory is its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def commit() -> str:
    """The short hash of the commit being measured."""
    return subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()


def server_cpu(port: int) -> float:
    """CPU seconds (user + system) of the process whose command line names this port."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
            if str(port).encode() not in words or b"python" not in words[0]:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    raise RuntimeError(f"no server process found for port {port}")
