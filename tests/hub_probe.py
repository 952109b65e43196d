"""Run in a subprocess: does a slow PostgreSQL query stall eventlet's hub?

Prints JSON: the worst lateness of a 10 ms timer while `select pg_sleep(1)` runs.
Patching comes first, exactly as in the server entry point (facilitator.green).
"""

from facilitator.green import patch

if __name__ == "__main__":
    patch("eventlet")

import json  # noqa: E402
import sys  # noqa: E402

import eventlet  # noqa: E402
import probe_ticker  # noqa: E402  (beside this file)
from sqlalchemy import text  # noqa: E402

from facilitator.store.db import make_engine  # noqa: E402


def main(url: str) -> None:
    engine = make_engine(url)
    with engine.connect() as conn:  # open the pool's connection before measuring
        conn.execute(text("select 1"))

    def slow_query() -> None:
        with engine.connect() as conn:
            conn.execute(text("select pg_sleep(1)"))

    lateness, stop = probe_ticker.start(eventlet)
    eventlet.spawn(slow_query).wait()
    stop()
    print(json.dumps({"max_lateness": max(lateness), "ticks": len(lateness)}))


if __name__ == "__main__":
    main(sys.argv[1])
