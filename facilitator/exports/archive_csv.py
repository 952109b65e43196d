"""The archive's CSV tables, for spreadsheets: drawn from `workshop_data` (no Flask)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from typing import Any

CsvTable = tuple[str, list[str], list[list[Any]]]


def csv_tables(data: dict[str, Any]) -> list[CsvTable]:
    """The tables the archive carries as CSV: (file name, header, rows)."""
    names = {p["public_id"]: p["display_name"] for p in data["participants"]}
    return [
        _notes_table(data, names),
        _people_table(data),
        _seats_table(data, names),
        _dots_table(data, names),
        _commitments_table(data),
    ]


def _notes_table(data: dict[str, Any], names: dict[str, str | None]) -> CsvTable:
    votes = Counter(v["note"] for v in data["upvotes"])
    header = ["client_id", "kind", "round", "table", "author", "author_name", "created_at"]
    rows = [
        [n["client_id"], n["kind"], n["round"], n["table"], n["author"], names.get(n["author"])]
        + [n["created_at"], n["hidden"], votes[n["client_id"]], n["text"]]
        + [n["photo"]["file"] if n["photo"] else None, n["source"]]
        for n in data["contributions"]
    ]
    # `source` last: "paper" for a note typed in from paper (no author).
    return "notes.csv", header + ["hidden", "votes", "text", "photo", "source"], rows


def _people_table(data: dict[str, Any]) -> CsvTable:
    header = ["public_id", "display_name", "language", "spoken", "role", "is_host", "is_bot"]
    projects = {p["number"]: p["name"] for p in data["projects"]}
    rows = [
        [p["public_id"], p["display_name"], p["language"], ",".join(p["spoken"]), p["role"]]
        + [p["is_host"], p["is_bot"], p["presence"], p["joined_at"], projects.get(p["project"])]
        for p in data["participants"]
    ]
    # `project` last: the name of the neighbourhood project the person came from.
    return "participants.csv", header + ["presence", "joined_at", "project"], rows


def _seats_table(data: dict[str, Any], names: dict[str, str | None]) -> CsvTable:
    rows = [
        [s["round"], s["table"], s["participant"], names[s["participant"]]] for s in data["seats"]
    ]
    return "seats.csv", ["round", "table", "participant", "display_name"], rows


def _dots_table(data: dict[str, Any], names: dict[str, str | None]) -> CsvTable:
    rows = []
    for number, ballot in enumerate(data["ballots"], start=1):
        labels = {o.get("key"): o.get("label") or o.get("text") for o in ballot["options"]}
        for d in ballot["dots"]:
            option, person = d["option"], d["participant"]
            rows.append([number, option, labels.get(option), person, names[person], d["dots"]])
    return "votes.csv", ["ballot", "option", "label", "participant", "display_name", "dots"], rows


def _commitments_table(data: dict[str, Any]) -> CsvTable:
    header = ["client_id", "author", "signed_as", "theme", "hidden", "created_at", "text"]
    rows = [
        [c["client_id"], c["author"], c["signed_as"], c["theme"], c["hidden"], c["created_at"]]
        + [c["text"]]
        for c in data["commitments"]
    ]
    return "commitments.csv", header, rows


def csv_bytes(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    """One table as UTF-8 CSV, its cells made safe for spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # A spreadsheet runs a cell starting with = + - @ as a formula (CSV injection).
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
