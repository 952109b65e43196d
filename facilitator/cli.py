"""The `facilitator` command: migrate, serve, demo, plan, create-user, set-coach.

Only standard-library imports at module level: a server command must monkey-patch
(facilitator.green) before Flask, SQLAlchemy or psycopg are loaded.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

from facilitator.config import defaults, from_environment
from facilitator.planner.command import register as register_plan


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="facilitator", description=__doc__)
    settings = _settings()
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="create or upgrade the database schema")
    for name, text in (
        ("serve", "run the server"),
        ("demo", "load the demo workshop and serve it"),
    ):
        command = commands.add_parser(name, help=text)
        command.add_argument(
            "--host", default=settings["HOST"], help="address to listen on (%(default)s)"
        )
        command.add_argument(
            "--port", type=int, default=settings["PORT"], help="port to listen on (%(default)s)"
        )
    register_plan(commands)
    create_user = commands.add_parser("create-user", help="add an organiser who logs in at /o")
    create_user.add_argument("username", help="the name they log in with")
    create_user.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (for scripts)",
    )
    set_coach = commands.add_parser(
        "set-coach", help="hand a neighbourhood project to another organiser, its new coach"
    )
    set_coach.add_argument("project", type=int, help="the project's number (in its /o/ address)")
    set_coach.add_argument("username", help="the organiser who coaches it from now on")
    restore = commands.add_parser(
        "import", help="re-create a workshop from an archive (.zip or workshop.json)"
    )
    restore.add_argument("archive", help="the archive an export made")
    restore.add_argument("--owner", help="the organiser (username) who will manage it")
    demo = commands.choices["demo"]
    demo.add_argument(
        "--bots",
        type=int,
        default=settings["BOTS"],
        help="seat N simulated participants who post notes",
    )
    return parser


def _settings() -> dict[str, Any]:
    """The defaults with FACILITATOR_* applied, parsed as the app parses them."""
    return defaults() | from_environment()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `facilitator` console script."""
    args = _parser().parse_args(argv)
    if args.command == "plan":
        from facilitator.planner.command import run

        return run(args)
    if args.command == "create-user":
        return _create_user(args)
    if args.command == "import":
        return _import_archive(args)
    if args.command == "set-coach":
        return _set_coach(args)
    if args.command in {"serve", "demo"}:
        from facilitator.green import patch

        patch(_settings()["ASYNC_MODE"])
    from facilitator.store.db import migrate
    from facilitator.web.app import create_app

    app = create_app()
    migrate(app.extensions["facilitator.engine"])
    if args.command == "migrate":
        print("Database is up to date.")
        return 0
    return _serve(app, args)


def _read_password(from_stdin: bool) -> str | None:
    """The new password: one line of stdin, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    import getpass

    first = getpass.getpass("Password (at least 10 characters): ")
    if getpass.getpass("The same password again: ") != first:
        print("The two passwords differ; no user was created.", file=sys.stderr)
        return None
    return first


def _create_user(args: argparse.Namespace) -> int:
    """Add an organiser account; only a salted hash of the password is stored."""
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    from facilitator.errors import DomainError
    from facilitator.organise.users import PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN, create_user
    from facilitator.store.db import migrate
    from facilitator.web.app import create_app
    from facilitator.web.work import unit_of_work

    app = create_app()
    engine = app.extensions["facilitator.engine"]
    migrate(engine)
    reasons = {
        "bad_username": f"The username must be {USERNAME_MIN} to {USERNAME_MAX} characters, "
        "without spaces.",
        "bad_password": f"The password must be at least {PASSWORD_MIN} characters.",
        "username_taken": f"There is already a user called {args.username!r}.",
    }
    try:
        with unit_of_work(app) as session:
            user = create_user(session, args.username, password)
            name = user.username
    except DomainError as exc:
        print(reasons.get(exc.code, exc.code), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"Organiser {name!r} created. Log in at /o/login.")
    return 0


def _set_coach(args: argparse.Namespace) -> int:
    """Hand a project to another organiser (the app has no administrators to do it)."""
    from facilitator.errors import DomainError
    from facilitator.organise.projects import hand_over
    from facilitator.store.db import migrate
    from facilitator.web.app import create_app
    from facilitator.web.work import unit_of_work

    app = create_app()
    engine = app.extensions["facilitator.engine"]
    migrate(engine)
    reasons = {
        "unknown_project": f"There is no project number {args.project}.",
        "unknown_user": f"There is no organiser called {args.username!r}.",
    }
    try:
        with unit_of_work(app) as session:
            project, coach = hand_over(session, args.project, args.username)
            said = f"{project.name!r} is now coached by {coach.username!r}."
    except DomainError as exc:
        print(reasons.get(exc.code, exc.code), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(said)
    return 0


def _import_archive(args: argparse.Namespace) -> int:
    """Re-create an archived workshop with a new code and new staff links."""
    from pathlib import Path

    from sqlalchemy import select

    from facilitator.errors import DomainError
    from facilitator.exports.archive import import_archive
    from facilitator.store.db import migrate
    from facilitator.store.models import User
    from facilitator.web.app import create_app
    from facilitator.web.work import unit_of_work

    data = Path(args.archive).read_bytes()
    app = create_app()
    engine = app.extensions["facilitator.engine"]
    migrate(engine)
    try:
        with unit_of_work(app) as session:
            owner = None
            if args.owner:
                owner = session.scalar(select(User.id).where(User.username == args.owner))
                if owner is None:
                    print(f"There is no organiser called {args.owner!r}.", file=sys.stderr)
                    return 1
            links = import_archive(session, data, app.config["SESSIONS_DIR"], owner_id=owner)
    except DomainError as exc:
        # The field tells the operator where the archive is wrong (a dangling project...).
        where = exc.details.get("field")
        print(
            f"Nothing was imported: {exc.code}" + (f" at {where}." if where else "."),
            file=sys.stderr,
        )
        return 1
    finally:
        engine.dispose()
    print(f"Workshop imported with code {links.join_code}.")
    print(f"  Facilitator link: /f/{links.join_code}/{links.facilitator_secret}")
    print(f"  Projector link:   /p/{links.join_code}/{links.projector_secret}")
    return 0


def _serve(app: Any, args: argparse.Namespace) -> int:
    from facilitator.netinfo import public_url
    from facilitator.web.extensions import socketio

    app.config["PUBLIC_URL"] = public_url(app.config["PUBLIC_URL"], args.port)
    if args.command == "demo":
        _start_demo(app, args.bots)
    _schedule_full_collections(socketio)
    from facilitator.web.jobs.offload import warm_up

    warm_up(app.config["OFFLOAD_WORKERS"])
    from facilitator.web.jobs.meaning import mode as harvest_mode

    found = harvest_mode(app)  # loads the language model in a worker now, not at a note
    print(f"Harvest themes: by {found.name} ({found.detail}).", flush=True)
    from facilitator.green import serve

    serve(
        app,
        socketio,
        args.host,
        args.port,
        app.config["EVENTLET_MAX_SIZE"],
        app.config["EVENTLET_SOCKET_TIMEOUT"],
    )
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
    from facilitator.organise.demo import DEMO_ORGANISER, demo_organiser, load_demo
    from facilitator.organise.demo.history import demo_past_days, demo_portfolio
    from facilitator.web.bots import start_bots
    from facilitator.web.jobs.backfill import demo_meanings
    from facilitator.web.work import unit_of_work

    with unit_of_work(app) as session:
        links = load_demo(session)
        password = demo_organiser(session, links.join_code)
        demo_portfolio(session, links.join_code)
        past_days = demo_past_days(session, links.join_code)
    demo_meanings(app, past_days)  # in the background: the past days join by meaning
    base = app.config["PUBLIC_URL"]
    code = links.join_code
    print("Facilitator is running the demo workshop.", flush=True)
    print(f"  Participants join at: {base}/j/{code}   (short code {code})", flush=True)
    print(f"  Facilitator link:     {base}/f/{code}/{links.facilitator_secret}", flush=True)
    print(f"  Projector link:       {base}/p/{code}/{links.projector_secret}", flush=True)
    print(
        f"  Organiser login:      {base}/o/login   (user {DEMO_ORGANISER}, password {password})",
        flush=True,
    )
    print("Press Ctrl+C to stop.", flush=True)
    if bots:
        start_bots(app, code, bots)


if __name__ == "__main__":
    sys.exit(main())
