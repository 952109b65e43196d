"""The coach's portfolio and the programme view with a full caseload, as a request.

Seeds one coach with P projects of W past workshops each (default 17 x 20: the most
projects a coach of the programme follows), every workshop with a self-scan of 7 areas
(8 to 14 people), two themes on a closed dot-vote, 3 key insights, 4 commitments and 3
cards used (`organise/demo/history.add_past_workshop`, SQLite in a temp dir); each theme
with a meaning as a wall keeps it (a vector per subject plus noise), so the themes are
also grouped by meaning across the workshops. Then, in
the same run, through the Flask test client (so the whole request is timed: the cookie,
the reads, the aggregates and the template):

- the baseline: the organiser's workshop list (`/o/`, the P x W workshops are the
  coach's own), a page every organiser opens;
- `/o/portfolio` (the projects side by side) and `/o/programme` (every project in
  aggregate), with the SQL statements each takes;
- one project's page (`/o/projects/<id>`: its W workshops with every insight and
  commitment).

Prints median wall and CPU ms of R requests each and the ratio to the baseline. The goal
is under a second for the portfolio and the programme.

Run: `nice -n 10 .venv/bin/python -m bench.portfolio [--projects 17] [--workshops 20]`.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import event

from bench.measure import commit, timed
from facilitator.harvest.meaning import DIMENSIONS, mean_meaning
from facilitator.organise import projects
from facilitator.organise.demo.history import PastDay, add_past_workshop
from facilitator.organise.portfolio import area_order
from facilitator.organise.users import create_user
from facilitator.store.db import migrate, session_scope
from facilitator.web.app import create_app
from facilitator.web.auth import ORGANISER_COOKIE, issue_organiser_token
from facilitator.web.jobs.wall import set_meanings_aside

THEMES = [
    ("Eenzaamheid", {"nl": "Eenzaamheid", "fr": "Solitude", "en": "Loneliness"}),
    ("Mobiliteit", {"nl": "Mobiliteit", "fr": "Mobilité", "en": "Getting around"}),
    ("Informele zorg", {"nl": "Informele zorg", "fr": "Aide informelle"}),
    ("Buurtpunt", {"nl": "Buurtpunt"}),
    ("Samenwerking", {"nl": "Samenwerking", "fr": "Coopération"}),
]


def _day(rng: random.Random, project: int, index: int) -> PastDay:
    people = rng.randint(8, 14)
    level = 2 + index / 10  # the neighbourhood moves up over the year
    scan = {
        key: [max(1, min(5, round(rng.gauss(level, 1)))) for _ in range(people)]
        for key in area_order()
    }
    month, day = 1 + index % 12, 1 + index
    return PastDay(
        title=f"Project {project}: workshop {index + 1}",
        held_on=f"{2025 + index // 12}-{month:02d}-{day:02d}",
        language=rng.choice(["nl", "nl", "fr", "en"]),
        scan=scan,
        themes=[(label, titles, rng.randint(1, 9)) for label, titles in rng.sample(THEMES, 2)],
        insights=[f"Key insight {i} of workshop {index + 1}" for i in range(3)],
        commitments=[(f"I will do thing {i}", None) for i in range(4)],
        cards=[(rng.choice(area_order()), rng.randint(0, 4)) for _ in range(3)],
    )


def _meanings(rng: random.Random) -> dict[str, str]:
    """A meaning per theme label: a unit vector per subject, a little noise per label."""
    subjects = np.random.default_rng(13).normal(size=(len(THEMES), DIMENSIONS))
    found = {}
    for (label, _titles), subject in zip(THEMES, subjects, strict=True):
        vector = subject + 0.2 * np.asarray([rng.gauss(0, 1) for _ in range(DIMENSIONS)])
        raw = (vector / np.linalg.norm(vector)).astype("<f4").tobytes()
        found[label] = mean_meaning([raw]) or ""
    return found


def _keep_meanings(app: Any, workshop_id: int, day: PastDay, meanings: dict[str, str]) -> None:
    themes = [
        {"label": label, "titles": dict(titles), "meaning": meanings[label]}
        for label, titles, _dots in day.themes
    ]
    set_meanings_aside(app, workshop_id, themes, keep=True)


def seed(app: Any, projects_count: int, workshops_each: int) -> tuple[int, int]:
    """The coach's id and one of their projects' ids."""
    rng = random.Random(13)
    meanings = _meanings(rng)
    factory = app.extensions["facilitator.sessions"]
    with session_scope(factory) as session:
        coach = create_user(session, "coach", "correct horse battery").id
    first = 0
    for p in range(projects_count):
        with session_scope(factory) as session:
            project = projects.create_project(session, coach, f"Buurt {p + 1:02d}", "Gent", ["nl"])
            first = first or project.id
            for index in range(workshops_each):
                day = _day(rng, p + 1, index)
                workshop = add_past_workshop(session, coach, [project.id], day)
                _keep_meanings(app, workshop.id, day, meanings)
    return coach, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=17)
    parser.add_argument("--workshops", type=int, default=20, help="per project")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portfolio-") as folder:
        app = create_app(
            {
                "TESTING": True,
                "ASYNC_MODE": "threading",
                "DATABASE_URL": f"sqlite:///{Path(folder)}/db.sqlite3",
                "SESSIONS_DIR": str(Path(folder) / "sessions"),
                "EXPORTS_DIR": str(Path(folder) / "exports"),
                "SECRET_KEY": "bench-secret-" + "x" * 32,
                "WTF_CSRF_ENABLED": False,
            }
        )
        engine = app.extensions["facilitator.engine"]
        migrate(engine)
        began = time.perf_counter()
        coach, project = seed(app, args.projects, args.workshops)
        seeded = time.perf_counter() - began
        client = app.test_client()
        client.set_cookie(ORGANISER_COOKIE, issue_organiser_token(app.config["SECRET_KEY"], coach))
        statements: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        print(
            f"commit {commit()}: {args.projects} projects x {args.workshops} workshops"
            f" seeded in {seeded:.1f} s; median of {args.repeats} requests each"
        )
        pages = [
            ("baseline /o/ (workshop list)", "/o/?lang=nl"),
            ("/o/portfolio", "/o/portfolio?lang=nl"),
            ("/o/programme", "/o/programme?lang=nl"),
            ("/o/projects/<id>", f"/o/projects/{project}?lang=nl"),
        ]
        base = None
        for name, url in pages:

            def get(url: str = url) -> int:
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                size = len(response.get_data())
                response.close()
                return size

            get()  # warm: templates compiled, the engine's pool filled
            statements.clear()
            get()
            queries = len(statements)
            wall, cpu, size = timed(get, args.repeats)
            base = base or wall
            print(
                f"  {name:32} {wall * 1000:8.1f} ms wall {cpu * 1000:8.1f} ms CPU"
                f"  {wall / base:5.1f} x baseline  {queries:4d} SQL  {size / 1024:6.0f} KiB"
            )


if __name__ == "__main__":
    main()
