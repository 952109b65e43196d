"""`facilitator plan`: routes on paper from a count or a guest list."""

from __future__ import annotations

import argparse
import csv
import json
import re
import subprocess
import sys
from collections import Counter

import pytest

from facilitator.planner import command as plan_command


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="facilitator")
    plan_command.register(parser.add_subparsers(dest="command", required=True))
    return plan_command.run(parser.parse_args(["plan", *argv]))


def as_json(capsys, *argv: str) -> dict:
    assert run(*argv, "--json") == 0
    return json.loads(capsys.readouterr().out)


def test_json_has_a_table_for_everybody_in_every_round(capsys):
    result = as_json(capsys, "--people", "60", "--tables", "12", "--rounds", "3", "--hosts")
    assert len(result["plan"]) == 3
    for seats in result["plan"]:
        assert len(seats) == 60
        assert max(Counter(seats).values()) == 5 and set(seats) == set(range(12))
        assert seats[:12] == list(range(12))  # the first person of each table hosts it
    assert result["score"]["repeats"] == 0
    assert set(result["score"]) >= {"repeats", "new_encounters_mean", "language_coverage"}


def test_the_seed_chooses_the_plan(capsys):
    args = ("--people", "30", "--tables", "6", "--rounds", "2")
    first, again = as_json(capsys, *args, "--seed", "4"), as_json(capsys, *args, "--seed", "4")
    other = as_json(capsys, *args, "--seed", "5")
    assert first == again and first["plan"] != other["plan"]


def test_capacity_leaves_empty_seats(capsys):
    result = as_json(capsys, "--people", "20", "--tables", "5", "--rounds", "2", "--capacity", "6")
    assert all(max(Counter(seats).values()) <= 6 for seats in result["plan"])


def write_guests(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


GUESTS = """name,host,languages,role
Anna,yes,nl fr,resident
Bram,no,nl,volunteer
Chloé,no,fr,resident
"Dirk <b>",true,nl;en,local_government
Emma,0,fr,
Fien,no,nl fr,volunteer
Gust,no,en,resident
Hanne,no,nl,
"""


def test_a_guest_list_keeps_hosts_and_reads_languages(tmp_path, capsys):
    guests = write_guests(tmp_path / "guests.csv", GUESTS)
    result = as_json(capsys, "--csv", guests, "--tables", "2", "--rounds", "3", "--effort", "0.1")
    assert all(seats[0] == 0 and seats[3] == 1 for seats in result["plan"])
    read = plan_command.read_guests(tmp_path / "guests.csv")
    assert [g.host for g in read] == [True, False, False, True, False, False, False, False]
    assert read[0].languages == {"nl", "fr"} and read[3].languages == {"nl", "en"}
    assert read[3].role == "local_government" and read[4].role is None


def test_semicolons_as_excel_writes_them_in_belgium(tmp_path, capsys):
    text = "Name;Host;Languages\nAnna;ja;nl\nBram;nee;fr\nChloé;;nl\n"
    result = as_json(
        capsys, "--csv", write_guests(tmp_path / "g.csv", text), "--tables", "2", "--rounds", "1"
    )
    assert result["plan"][0][0] == 0 and len(result["plan"][0]) == 3


def test_out_writes_routes_for_people_and_for_printing(tmp_path, capsys):
    guests = write_guests(tmp_path / "guests.csv", GUESTS)
    out = tmp_path / "print"
    argv = ["--csv", guests, "--tables", "2", "--rounds", "3", "--effort", "0.1"]
    assert run(*argv, "--out", str(out), "--lang", "fr") == 0
    assert "routes.html" in capsys.readouterr().out
    with (out / "routes.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["name", "round 1", "round 2", "round 3"]
    assert [r[0] for r in rows[1:]] == [
        "Anna",
        "Bram",
        "Chloé",
        "Dirk <b>",
        "Emma",
        "Fien",
        "Gust",
        "Hanne",
    ]
    assert rows[1][1:] == ["1", "1", "1"] and rows[4][1:] == ["2", "2", "2"]
    page = (out / "routes.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page and "@page" in page
    assert "Dirk &lt;b&gt;" in page and "<b>" not in page
    assert page.count("<tr>") == 1 + 8  # the header, then one line per person


def test_without_json_or_out_a_summary_is_printed(capsys):
    assert run("--people", "12", "--tables", "3", "--rounds", "2") == 0
    out = capsys.readouterr().out
    assert out.startswith("Planned 2 rounds for 12 people at 3 tables of 4.")
    assert "repeats: " in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name,host,table\nAnna,yes,3\n", "the columns must be name, host, languages, role"),
        ("host,role\nyes,resident\n", "name is required"),
        ("name,host\nAnna,maybe\n", "line 2: host must be yes or no"),
        ("name,host\n,yes\n", "line 2: the name is empty"),
        ("name\nAnna,extra\n", "line 2: more cells than columns"),
        ("name\n", "lists nobody"),
        ("name,host\nA,yes\nB,yes\nC,yes\n", "3 hosts for 2 tables"),
    ],
)
def test_a_bad_guest_list_gets_one_clear_line(tmp_path, capsys, text, message):
    guests = write_guests(tmp_path / "guests.csv", text)
    assert run("--csv", guests, "--tables", "2", "--rounds", "2") == 2
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err
    assert captured.out == ""


def test_more_people_than_seats_is_refused(capsys):
    assert run("--people", "70", "--tables", "12", "--rounds", "3", "--capacity", "5") == 2
    err = capsys.readouterr().err
    assert err == (
        "facilitator plan: error: 70 people do not fit at 12 tables of 5 (60 seats);"
        " use more tables or a larger --capacity\n"
    )


def test_hosts_come_from_the_guest_list_not_the_flag(tmp_path, capsys):
    guests = write_guests(tmp_path / "guests.csv", GUESTS)
    assert run("--csv", guests, "--tables", "2", "--rounds", "1", "--hosts") == 2
    assert "--hosts goes with --people" in capsys.readouterr().err


def test_a_missing_guest_list_is_reported(tmp_path, capsys):
    assert run("--csv", str(tmp_path / "nope.csv"), "--tables", "2", "--rounds", "1") == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["--people", "10", "--tables", "0", "--rounds", "1"],
        ["--people", "10", "--tables", "2"],
        ["--people", "10", "--csv", "x.csv", "--tables", "2", "--rounds", "1"],
        ["--people", "ten", "--tables", "2", "--rounds", "1"],
        ["--people", "10", "--tables", "2", "--rounds", "1", "--lang", "de"],
    ],
)
def test_bad_arguments_exit_with_code_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        run(*argv)
    assert exit_.value.code == 2
    assert "usage:" in capsys.readouterr().err


@pytest.mark.parametrize("effort", ["nan", "inf", "-inf", "0", "-1", "lots"])
def test_an_effort_that_is_not_a_positive_number_is_refused(effort, capsys):
    with pytest.raises(SystemExit) as exit_:
        run("--people", "10", "--tables", "2", "--rounds", "1", f"--effort={effort}")
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--effort" in err and repr(effort) in err and "Traceback" not in err


def test_every_option_is_explained_in_the_help(capsys):
    with pytest.raises(SystemExit):
        run("--help")
    out = capsys.readouterr().out
    options = re.findall(r"^  (-[-\w]+(?:, -[-\w]+)*)(.*)$", out, re.MULTILINE)
    assert len(options) >= 12
    for option, rest in options:
        described = rest.split(None, 1)[1:] if rest.strip() else []
        assert described or option == "--new-tables, --no-new-tables", option


def test_by_default_nobody_returns_to_a_table_when_rounds_fit_the_tables(capsys):
    ruled = as_json(capsys, "--people", "12", "--tables", "3", "--rounds", "3", "--effort", "0.2")
    assert ruled["score"]["revisits"] == 0
    assert run("--people", "12", "--tables", "3", "--rounds", "3", "--effort", "0.2") == 0
    assert "new tables (nobody but a host returns to a table): on" in capsys.readouterr().out
    assert run("--people", "12", "--tables", "3", "--rounds", "4", "--effort", "0.2") == 0
    assert "a table): off" in capsys.readouterr().out  # four rounds at three tables


def test_the_printed_routes_say_the_rule_in_their_language(tmp_path, capsys):
    argv = ("--people", "12", "--tables", "3", "--rounds", "2", "--out", str(tmp_path))
    assert run(*argv, "--lang", "nl", "--effort", "0.2") == 0
    assert "Alle anderen zitten elke ronde aan een nieuwe tafel." in (
        tmp_path / "routes.html"
    ).read_text(encoding="utf-8")


def test_a_closed_pipe_ends_the_command_quietly():
    command = [sys.executable, "-m", "facilitator.cli", "plan", "--people", "300"]
    command += ["--tables", "30", "--rounds", "4", "--effort", "0.05", "--json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as child:
        child.stdout.close()  # like `| head -0`: nobody reads the plan
        err = child.stderr.read().decode()
        child.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert child.returncode == 141
