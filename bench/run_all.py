"""Every benchmark that needs no outside service, one after another: `make bench`.

Each runs as its own process (`python -m bench.<name>`, from the project folder), with
small arguments by default so the whole set takes a few minutes on a 2-core machine;
`--full` gives each its own default arguments instead (the sizes docs/PERFORMANCE.md
reports, the fan-out's 3,000 phones included: up to a minute or two per bench). The first
bench that fails stops the run with its exit code, and its name is printed.

Not run here: `bench.round_change --postgres` and `bench.chaos`'s PostgreSQL run (they
need PostgreSQL on 127.0.0.1:5432, the chaos run Redis too: `--full` runs it) and
`bench.fanout_floor`, which `bench.fanout` starts itself; `bench.measure` and
`bench.sio_client` are helpers. Figures from a quick run are a smoke test of the benches,
not measurements to quote: quote a run with `--full` (or the bench's own command).

Run: `.venv/bin/python -m bench.run_all [--full] [--only NAME ...]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

from bench.measure import ROOT

# (bench, quick arguments); `{out}` is a temporary folder for the files a bench writes.
BENCHES: list[tuple[str, list[str]]] = [
    ("rotation", ["--repeats", "1"]),
    ("round_change", ["--repeats", "2"]),
    ("next_round_cpu", ["--sizes", "300", "--rounds", "3"]),
    ("harvest", ["--sizes", "200", "2000", "--repeats", "1", "--out", "{out}"]),
    ("poster", ["--repeats", "1"]),
    ("report", ["--repeats", "1", "--out", "{out}"]),
    ("harvest_loop", ["--seconds", "8", "--rate", "10", "--tables", "4"]),
    ("fanout", ["--sizes", "300", "--repeats", "2"]),
    ("idle_sockets", ["--steps", "500", "1000", "--timeout", "3"]),
    ("chaos", ["--phones", "50", "--notes", "10", "--stores", "sqlite"]),
    ("theme_quality", ["--sizes", "200,2000", "--embed", "50"]),
    ("wall_draw", ["--notes", "100"]),
    ("portfolio", ["--projects", "4", "--workshops", "5", "--repeats", "2"]),
]
# Benches whose defaults write files to /tmp: keep them in the temporary folder.
OUT_ARGS = {"harvest", "report"}


def command(name: str, quick: list[str], full: bool, out: str) -> list[str]:
    """The command line that runs one bench."""
    if full:
        arguments = ["--out", out] if name in OUT_ARGS else []
    else:
        arguments = [a.replace("{out}", out) for a in quick]
    return [sys.executable, "-m", f"bench.{name}", *arguments]


def main() -> int:
    names = [name for name, _ in BENCHES]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="each bench's default arguments")
    parser.add_argument("--only", nargs="+", choices=names, help="run just these benches")
    args = parser.parse_args()
    chosen = [(n, q) for n, q in BENCHES if not args.only or n in args.only]
    started = time.monotonic()
    done: list[tuple[str, float]] = []
    print(f"{len(chosen)} benches, load average {os.getloadavg()[0]:.2f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-run-all-") as out:
        for name, quick in chosen:
            cmd = command(name, quick, args.full, out)
            print(f"\n=== bench.{name}: {' '.join(cmd[1:])}", flush=True)
            began = time.monotonic()
            code = subprocess.run(cmd, cwd=ROOT).returncode
            seconds = time.monotonic() - began
            if code != 0:
                print(
                    f"\nbench.{name} failed (exit {code}) after {seconds:.0f} s;"
                    f" not run: {', '.join(n for n, _ in chosen[len(done) + 1 :]) or 'none'}",
                    file=sys.stderr,
                )
                return code if code > 0 else 1
            done.append((name, seconds))
    print("\n=== all benches passed")
    for name, seconds in done:
        print(f"  bench.{name:<13} {seconds:6.0f} s")
    print(f"  {'total':<19} {time.monotonic() - started:6.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
