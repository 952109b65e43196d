"""`facilitator plan`: every person's route through the rounds, for a café run on paper.

Only the standard library at module level, like cli.py: the planner and babel load
when the command runs.
"""

from __future__ import annotations

import argparse
import csv
import html
import io
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLUMNS = ("name", "host", "languages", "role")
YES = {"yes", "y", "true", "1", "ja", "oui"}
NO = {"no", "n", "false", "0", "nee", "non", ""}
LANGUAGES = ("nl", "fr", "en")


class InputError(Exception):
    """Input the organiser can fix: printed as one line, exit code 2."""


@dataclass(frozen=True)
class Guest:
    """One line of the guest list."""

    name: str
    host: bool = False
    languages: frozenset[str] = frozenset()
    role: str | None = None


@dataclass(frozen=True)
class Routes:
    """Table (from 0) of each guest in each round, and the plan's score."""

    guests: list[Guest]
    rounds: list[list[int]]  # [round][guest]
    tables: int
    capacity: int
    score: dict[str, int | float]
    new_tables: bool = False  # nobody but a host returns to a table


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the `plan` command to the subparsers of the `facilitator` command."""
    command = subparsers.add_parser(
        "plan",
        help="plan every person's table for each round, to print",
        description="Plan who sits where in each round: hosts stay, the others meet new people.",
    )
    source = command.add_mutually_exclusive_group(required=True)
    source.add_argument("--people", type=_positive, help="this many people, numbered")
    source.add_argument(
        "--csv", type=Path, help="guest list with columns name, host, languages, role"
    )
    command.add_argument("--tables", type=_positive, required=True, help="how many tables")
    command.add_argument("--rounds", type=_positive, required=True, help="how many rounds")
    command.add_argument(
        "--capacity", type=_positive, help="seats per table (default: just enough)"
    )
    command.add_argument(
        "--hosts", action="store_true", help="with --people: the first person per table hosts it"
    )
    command.add_argument("--seed", type=int, default=0, help="another seed gives another plan")
    command.add_argument(
        "--effort", type=_effort, default=1.0, help="search longer (2) or shorter (0.5)"
    )
    command.add_argument(
        "--new-tables",
        action=argparse.BooleanOptionalAction,
        help="everyone but the hosts visits each table at most once"
        " (default: on when there are no more rounds than tables)",
    )
    command.add_argument("--json", action="store_true", help="print the plan and score as JSON")
    command.add_argument("--out", type=Path, help="write routes.csv and routes.html in this folder")
    command.add_argument("--lang", choices=LANGUAGES, default="en", help="language of routes.html")
    return command


def run(args: argparse.Namespace) -> int:
    """Plan, then print or write the routes: 0 when done, 2 for input to fix."""
    try:
        if args.csv and args.hosts:
            raise InputError("--hosts goes with --people; a guest list says who hosts")
        guests = (
            read_guests(args.csv) if args.csv else _numbered(args.people, args.hosts, args.tables)
        )
        routes = plan(
            guests,
            args.tables,
            args.rounds,
            args.capacity,
            args.seed,
            args.effort,
            args.new_tables,
        )
        if args.out:
            write_routes(args.out, routes, args.lang)
    except InputError as error:
        print(f"facilitator plan: error: {error}", file=sys.stderr)
        return 2
    if args.json:
        text = json.dumps({"plan": routes.rounds, "score": routes.score})
    elif args.out:
        text = f"Wrote {args.out / 'routes.csv'} and {args.out / 'routes.html'}."
    else:
        text = _summary(routes)
    return _print(text)


def _print(text: str) -> int:
    """Print to stdout; a reader that closed the pipe early (`| head -1`) is no error."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # As the Python docs advise: no second error when the interpreter flushes at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # what a shell reports for a command ended by SIGPIPE (128 + 13)
    return 0


def plan(
    guests: Sequence[Guest],
    tables: int,
    rounds: int,
    capacity: int | None = None,
    seed: int = 0,
    effort: float = 1.0,
    new_tables: bool | None = None,
) -> Routes:
    """Plan all rounds for the guest list; hosts take tables in list order.

    `new_tables`: nobody but a host returns to a table; None: when rounds <= tables.
    """
    from facilitator.planner.rotation import (
        Constraints,
        Person,
        SeatingError,
        TableInfo,
        plan_rounds,
    )

    hosts = [i for i, guest in enumerate(guests) if guest.host]
    if len(hosts) > tables:
        raise InputError(f"{len(hosts)} hosts for {tables} tables: one host per table at most")
    capacity = capacity or math.ceil(len(guests) / tables)
    if len(guests) > tables * capacity:
        raise InputError(
            f"{len(guests)} people do not fit at {tables} tables of {capacity}"
            f" ({tables * capacity} seats); use more tables or a larger --capacity"
        )
    table_of = {guest: table for table, guest in enumerate(hosts)}
    people = [Person(i, g.languages, g.role, table_of.get(i)) for i, g in enumerate(guests)]
    try:
        layout = [TableInfo(t, capacity) for t in range(tables)]
        rule = rounds <= tables if new_tables is None else new_tables
        wishes = Constraints(new_tables=rule)
        result = plan_rounds(people, layout, [], rounds, wishes, seed=seed, effort=effort)
    except SeatingError as error:
        raise InputError(str(error)) from None
    seats = [[seating[i] for i in range(len(guests))] for seating in result.seatings]
    return Routes(list(guests), seats, tables, capacity, result.score.as_dict(), rule)


def write_routes(folder: Path, routes: Routes, lang: str) -> None:
    """Write routes.csv (tables from 1) and a printable routes.html in `lang`."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / "routes.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(["name", *(f"round {r + 1}" for r in range(len(routes.rounds)))])
            for i, guest in enumerate(routes.guests):
                writer.writerow([guest.name, *(seats[i] + 1 for seats in routes.rounds)])
        (folder / "routes.html").write_text(render_html(routes, lang), encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write to {folder}: {error.strerror}") from None


def render_html(routes: Routes, lang: str) -> str:
    """A printable A4 page: each person's route, then who sits at each table per round."""
    _ = _gettext(lang)
    rounds = range(len(routes.rounds))
    round_label = _("Round {number}")  # outside f-strings, where pybabel can find it
    head = "".join(f"<th>{round_label.format(number=r + 1)}</th>" for r in rounds)
    rows = "".join(
        f"<tr><td>{_name(guest, _)}</td>"
        + "".join(f"<td>{seats[i] + 1}</td>" for seats in routes.rounds)
        + "</tr>"
        for i, guest in enumerate(routes.guests)
    )
    facts = (
        (_("People"), len(routes.guests)),
        (_("Tables"), routes.tables),
        (_("Rounds"), len(routes.rounds)),
    )
    return PAGE.format(
        lang=lang,
        title=_("Seating plan"),
        facts="".join(f"<div><dt>{label}</dt><dd>{value}</dd></div>" for label, value in facts),
        routes_title=_("Routes"),
        routes_intro=" ".join(
            [
                _("The table of each person in each round."),
                _("Table hosts stay at their own table."),
                *(
                    [_("Everyone else sits at a new table each round.")]
                    if routes.new_tables
                    else []
                ),
            ]
        ),
        name=_("Name"),
        head=head,
        rows=rows,
        tables_title=_("Who sits where"),
        by_table="".join(_round_section(routes, r, _) for r in rounds),
    )


def _round_section(routes: Routes, r: int, _: Callable[[str], str]) -> str:
    at: list[list[Guest]] = [[] for _t in range(routes.tables)]
    for i, table in enumerate(routes.rounds[r]):
        at[table].append(routes.guests[i])
    table_label = _("Table {table}")
    cards = "".join(
        f"<div class='card'><h4>{table_label.format(table=t + 1)}</h4><ul>"
        + "".join(f"<li>{_name(g, _)}</li>" for g in sorted(group, key=lambda g: not g.host))
        + "</ul></div>"
        for t, group in enumerate(at)
        if group
    )
    title = _("Round {number}").format(number=r + 1)
    return f"<section><h3>{title}</h3><div class='cards'>{cards}</div></section>"


def _name(guest: Guest, _: Callable[[str], str]) -> str:
    name = html.escape(guest.name)
    label = _("host")
    return f"{name} <span class='host'>{label}</span>" if guest.host else name


def _gettext(lang: str) -> Callable[[str], str]:
    from babel.support import Translations

    folder = Path(__file__).resolve().parent.parent / "translations"
    return Translations.load(str(folder), [lang]).gettext


def _summary(routes: Routes) -> str:
    lines = [
        f"Planned {len(routes.rounds)} rounds for {len(routes.guests)} people"
        f" at {routes.tables} tables of {routes.capacity}."
    ]
    rule = "on" if routes.new_tables else "off"
    lines.append(f"  new tables (nobody but a host returns to a table): {rule}")
    lines += [f"  {key.replace('_', ' ')}: {value}" for key, value in routes.score.items()]
    lines.append("Use --out DIR for printable routes, --json for the plan itself.")
    return "\n".join(lines)


def _numbered(people: int, hosts: bool, tables: int) -> list[Guest]:
    return [Guest(f"Person {i + 1}", host=hosts and i < tables) for i in range(people)]


def read_guests(path: Path) -> list[Guest]:
    """The guest list: a header with some of name, host, languages, role, then one per line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path} is not a UTF-8 text file") from None
    first = text.partition("\n")[0]
    delimiter = ";" if ";" in first and "," not in first else ","  # Excel in nl/fr uses ;
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [cell.strip().lower() for cell in next(reader, [])]
    unknown = [c for c in header if c not in COLUMNS]
    if unknown or "name" not in header or len(set(header)) != len(header):
        raise InputError(
            f"{path}: the columns must be name, host, languages, role (name is required);"
            f" found {', '.join(header) or 'nothing'}"
        )
    guests = [_guest(dict(zip(header, row, strict=False)), n) for n, row in _rows(reader, header)]
    if not guests:
        raise InputError(f"{path} lists nobody")
    return guests


def _rows(reader: Any, header: list[str]) -> list[tuple[int, list[str]]]:
    rows = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue  # blank lines are fine
        if len(row) > len(header):
            raise InputError(f"line {reader.line_num}: more cells than columns")
        rows.append((reader.line_num, row))
    return rows


def _guest(cells: dict[str, str], line: int) -> Guest:
    name = cells.get("name", "").strip()
    if not name:
        raise InputError(f"line {line}: the name is empty")
    host = cells.get("host", "").strip().lower()
    if host not in YES | NO:
        raise InputError(f"line {line}: host must be yes or no, not {host!r}")
    spoken = frozenset(re.split(r"[\s;,/]+", cells.get("languages", "").strip().lower())) - {""}
    return Guest(name, host in YES, spoken, cells.get("role", "").strip() or None)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _effort(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(
            f"must be a positive number such as 0.5 or 2, not {text!r}"
        )
    return value


PAGE = """<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
@page {{ size: A4; margin: 14mm; }}
body {{ font: 11pt/1.35 system-ui, sans-serif; color: #111; margin: 0 auto; max-width: 180mm; }}
h1 {{ font-size: 18pt; margin: 0 0 2mm; }}
h2 {{ font-size: 14pt; margin: 8mm 0 2mm; }}
h3 {{ font-size: 12pt; margin: 6mm 0 2mm; }}
dl {{ display: flex; gap: 8mm; margin: 0 0 4mm; }}
dt {{ font-size: 9pt; color: #555; }}
dd {{ margin: 0; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 0.3mm solid #bbb; padding: 1mm 2mm; text-align: left; }}
th + th, td + td {{ text-align: center; width: 18mm; }}
tr {{ break-inside: avoid; }}
thead {{ display: table-header-group; }}
.host {{ font-size: 8pt; border: 0.3mm solid #111; border-radius: 1mm; padding: 0 1mm; }}
.cards {{ display: grid; grid-template-columns: repeat(3, 1fr); gap: 3mm; }}
.card {{ border: 0.3mm solid #999; border-radius: 1.5mm; padding: 2mm 3mm; break-inside: avoid; }}
.card h4 {{ margin: 0 0 1mm; }}
.card ul {{ margin: 0; padding-left: 4mm; }}
.by-table {{ break-before: page; }}
section {{ break-inside: avoid; }}
</style>
</head>
<body>
<h1>{title}</h1>
<dl>{facts}</dl>
<h2>{routes_title}</h2>
<p>{routes_intro}</p>
<table><thead><tr><th>{name}</th>{head}</tr></thead><tbody>{rows}</tbody></table>
<div class="by-table"><h2>{tables_title}</h2>{by_table}</div>
</body>
</html>
"""
