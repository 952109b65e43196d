"""Run in a subprocess: does planning 3,000 people stall eventlet's hub?

`python tests/offload_probe.py offloaded|inline` prints JSON: the worst lateness of a
10 ms timer while `rotation.plan_rounds` plans 4 rounds, and a digest of the plan.
Patching comes first, exactly as in the server entry point (facilitator.green).
"""

from facilitator.green import patch

if __name__ == "__main__":  # worker processes re-import this file: they stay unpatched
    patch("eventlet")

import json  # noqa: E402
import sys  # noqa: E402

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


if __name__ == "__main__":
    main(sys.argv[1])
