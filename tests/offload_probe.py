"""Run in a subprocess: does planning 3,000 people stall eventlet's hub?

`python tests/offload_probe.py offloaded|inline` prints JSON: the worst lateness of a
10 ms timer while `rotation.plan_rounds` plans 4 rounds, and a digest of the plan.
`python tests/offload_probe.py dies <folder>` prints what calls whose worker died
(once, always, killed between calls) gave back in the patched hub, and the timer's worst
lateness meanwhile. Patching comes first, exactly as in the server entry point
(facilitator.green).
"""

from facilitator.green import patch

if __name__ == "__main__":  # worker processes re-import this file: they stay unpatched
    patch("eventlet")

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import eventlet  # noqa: E402
import probe_ticker  # noqa: E402  (beside this file)

from facilitator.planner import rotation  # noqa: E402
from facilitator.web.jobs import offload  # noqa: E402


def instance() -> tuple[list[rotation.Person], list[rotation.TableInfo]]:
    tables = [rotation.TableInfo(t, 6, t) for t in range(600)]
    people = [
        rotation.Person(
            p, frozenset({"nl"} if p % 2 else {"fr", "nl"}), host_table=p if p < 600 else None
        )
        for p in range(3000)
    ]
    return people, tables


def main(mode: str) -> None:
    people, tables = instance()
    offload.warm_up(1)
    lateness, stop = probe_ticker.start(eventlet)
    workers = 1 if mode == "offloaded" else 0
    plan = offload.run(eventlet.sleep, workers, rotation.plan_rounds, people, tables, [], 4)
    stop()
    digest = sum(hash(tuple(sorted(s.items()))) % 1000 for s in plan.seatings)
    print(
        json.dumps(
            {
                "max_lateness": max(lateness),
                "ticks": len(lateness),
                "digest": digest,
                "repeats": plan.score.repeats,
            }
        )
    )


def exit_the_first_time(marker: str) -> str:
    """Kill the worker process the first time (the marker file says it happened)."""
    if not Path(marker).exists():
        Path(marker).touch()
        os._exit(1)
    return "answered"


def always_exit() -> None:
    """Kill every worker process that runs it."""
    os._exit(3)


def dies(folder: str) -> None:
    """Workers dying under the patched hub: each call answers, the timer keeps ticking."""
    offload.warm_up(1)
    lateness, stop = probe_ticker.start(eventlet)
    once = offload.run(eventlet.sleep, 1, exit_the_first_time, str(Path(folder) / "died"))
    try:
        offload.run(eventlet.sleep, 1, always_exit)
        always = "answered"
    except offload.WorkerDied as error:
        always = error.code
    pid = offload.run(eventlet.sleep, 1, os.getpid)
    os.kill(pid, signal.SIGKILL)
    eventlet.sleep(0.2)
    killed = offload.run(eventlet.sleep, 1, sum, [20, 22])
    stop()
    print(
        json.dumps(
            {"once": once, "always": always, "killed": killed, "max_lateness": max(lateness)}
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "dies":
        dies(sys.argv[2])
    else:
        main(sys.argv[1])
