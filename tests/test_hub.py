"""The eventlet hub stays free while PostgreSQL works (psycopg 3 with wait_select)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, need

PROBE = Path(__file__).with_name("hub_probe.py")
ROOT = PROBE.parent.parent


def run_probe(script: Path, argument: str, extra_env: dict[str, str]) -> dict[str, float]:
    """Run a probe script in its own (eventlet-patched) process; return its JSON line."""
    inherited = {k: v for k, v in os.environ.items() if k != "PSYCOPG_WAIT_FUNC"}
    env = inherited | {"PYTHONPATH": str(ROOT)} | extra_env
    out = subprocess.run(
        [sys.executable, str(script), argument],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def probe(extra_env: dict[str, str]) -> dict[str, float]:
    return run_probe(PROBE, POSTGRES_URL, extra_env)


@pytest.fixture
def postgres(postgres_ok):
    if not postgres_ok:
        need(f"PostgreSQL is not reachable at {POSTGRES_URL}")


def test_a_slow_query_does_not_delay_timers_in_the_hub(postgres):
    result = probe({})
    assert result["max_lateness"] < 0.2, result
    assert result["ticks"] > 50  # the timer kept firing during the 1 s query


def test_the_probe_sees_the_block_when_psycopg_waits_in_c(postgres):
    # Proof that the test above can fail: psycopg's C wait blocks the whole hub.
    result = probe({"PSYCOPG_WAIT_FUNC": "wait_c"})
    assert result["max_lateness"] > 0.8, result


OFFLOAD_PROBE = PROBE.with_name("offload_probe.py")


def offload_probe(mode: str) -> dict[str, float]:
    return run_probe(OFFLOAD_PROBE, mode, {"PYTHONHASHSEED": "0"})


def test_planning_in_a_worker_process_leaves_the_hub_free():
    offloaded = offload_probe("offloaded")
    inline = offload_probe("inline")
    assert offloaded["digest"] == inline["digest"]  # the same plan either way
    assert offloaded["max_lateness"] < 0.1, offloaded
    # Proof that the measure can fail: planned in the hub, the timer waits it out.
    assert inline["max_lateness"] > 0.2, inline
