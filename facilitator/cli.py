"""The `facilitator` command: migrate, serve, demo, plan.

Only standard-library imports at module level: a server command must monkey-patch
(facilitator.green) before Flask, SQLAlchemy or psycopg are loaded.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import Any

from .plan_command import register as register_plan


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facilitator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    for name, text in (
        ("serve", "run the server"),
        ("demo", "load the demo workshop and serve it"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument("--host", default=os.environ.get("FACILITATOR_HOST", "0.0.0.0"))
        command.add_argument(
            "--port", type=int, default=int(os.environ.get("FACILITATOR_PORT", "5000"))
        )
    register_plan(commands)
    demo = commands.choices["demo"]
    demo.add_argument(
        "--bots",
        type=int,
        default=int(os.environ.get("FACILITATOR_BOTS", "0")),
        help="seat N simulated participants who post notes",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `facilitator` console script."""
    args = _parser().parse_args(argv)
    if args.command == "plan":
        from .plan_command import run

        return run(args)
    if args.command in {"serve", "demo"}:
        from .green import patch

        patch(os.environ.get("FACILITATOR_ASYNC_MODE", "eventlet"))
    from .app import create_app
    from .db import migrate

    app = create_app()
    migrate(app.extensions["facilitator.engine"])
    if args.command == "migrate":
        print("Database is up to date.")
        return 0
    return _serve(app, args)


def _serve(app: Any, args: argparse.Namespace) -> int:
    from .app import socketio
    from .netinfo import public_url

    app.config["PUBLIC_URL"] = public_url(app.config["PUBLIC_URL"], args.port)
    if args.command == "demo":
        _start_demo(app, args.bots)
    _schedule_full_collections(socketio)
    from .offload import warm_up

    warm_up(app.config["OFFLOAD_WORKERS"])
    from .green import serve

    serve(app, socketio, args.host, args.port, app.config["EVENTLET_MAX_SIZE"])
    return 0


FULL_COLLECTION_EVERY = 600  # seconds


def _schedule_full_collections(socketio: Any) -> None:
    """Keep Python's full garbage collections out of round changes.

    With thousands of connections a full collection stops the server for ~200 ms, and
    the burst of allocations in a round change used to trigger one right then. So the
    objects alive at start are frozen out of collections, automatic full collections
    are made rare, and one runs on a timer instead.
    """
    gc.collect()
    gc.freeze()
    young, middle, _old = gc.get_threshold()
    gc.set_threshold(young, middle, 100_000)

    def collect_now_and_then() -> None:
        while True:
            socketio.sleep(FULL_COLLECTION_EVERY)
            gc.collect()

    socketio.start_background_task(collect_now_and_then)


def _start_demo(app: Any, bots: int) -> None:
    from .bots import start_bots
    from .db import session_scope
    from .demo import load_demo

    with session_scope(app.extensions["facilitator.sessions"]) as session:
        links = load_demo(session)
    base = app.config["PUBLIC_URL"]
    code = links.join_code
    print("Facilitator is running the demo workshop.", flush=True)
    print(f"  Participants join at: {base}/j/{code}   (short code {code})", flush=True)
    print(f"  Facilitator link:     {base}/f/{code}/{links.facilitator_secret}", flush=True)
    print(f"  Projector link:       {base}/p/{code}/{links.projector_secret}", flush=True)
    print("Press Ctrl+C to stop.", flush=True)
    if bots:
        start_bots(app, code, bots)


if __name__ == "__main__":
    sys.exit(main())
