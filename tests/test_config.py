"""Settings: one typed table, documented in the README, parsed from the environment."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from facilitator import config
from facilitator.config import SETTINGS, Setting, defaults, from_environment, settings_table
from facilitator.web.app import create_app
from tests.conftest import close_app

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_settings_section() -> str:
    text = README.read_text(encoding="utf-8")
    assert "\n## Settings\n" in text, "README.md has no '## Settings' section"
    return text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]


def readme_settings_rows() -> list[list[str]]:
    """The table's body rows, split into cells (the header rows do not start with a name)."""
    lines = [line for line in readme_settings_section().splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines]


def documented_variables() -> list[tuple[str, ...]]:
    return [tuple(re.findall(r"`([A-Z0-9_]+)`", row[0])) for row in readme_settings_rows()]


# --- (a) the README documents every setting, and nothing else


def test_every_setting_is_documented_in_the_readme():
    documented = {name for variables in documented_variables() for name in variables}
    missing = [s.name for s in SETTINGS if s.variables[0] not in documented]
    assert not missing, f"add these to README.md's Settings table: {missing}"
    assert {s.name for s in SETTINGS} == set(defaults())


def test_every_row_of_the_readme_table_is_a_real_setting():
    declared = {s.variables: s.name for s in SETTINGS}
    rows = documented_variables()
    stale = [variables for variables in rows if variables not in declared]
    assert not stale, f"README.md documents settings that do not exist: {stale}"
    assert len(rows) == len(set(rows)), "a setting has two rows in README.md"


def test_the_readme_table_is_the_one_config_renders():
    # Types, defaults and descriptions live in config.py; the README is their printout.
    table = "\n".join(line for line in readme_settings_section().splitlines() if line[:1] == "|")
    assert table == settings_table(), (
        "README.md's Settings table is stale; paste the output of "
        "`python -c 'from facilitator.config import settings_table; print(settings_table())'`"
    )


# --- (b) each variable is parsed to its setting's type


def samples(setting: Setting) -> list[tuple[str, Any]]:
    """Raw values for a setting's variable and what each must become."""
    kind = setting.kind
    if kind.choices:
        return [(option.upper(), option) for option in kind.choices]
    table: dict[config.Kind, list[tuple[str, Any]]] = {
        config.INT: [("42", 42), (" 7 ", 7)],
        config.FLOAT: [("0.25", 0.25), ("3", 3.0)],
        config.BOOL: [("no", False), ("Yes", True)],
        config.TEXT: [("somewhere", "somewhere")],
        config.PATH: [("/srv/facilitator/data", "/srv/facilitator/data")],
        config.OPTIONAL_TEXT: [("redis://10.0.0.5:6379/1", "redis://10.0.0.5:6379/1"), ("", None)],
        config.OPTIONAL_INT: [("3600", 3600), ("", None)],
        config.LANGUAGE_CODES: [("nl,fr", ("nl", "fr")), ("en, NL", ("en", "nl"))],
    }
    if kind not in table:
        pytest.fail(f"{setting.name}: add samples for the new kind {kind.label!r}")
    return table[kind]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_each_variable_is_parsed_to_its_type(setting: Setting):
    for raw, expected in samples(setting):
        found = from_environment({setting.variables[0]: raw})
        assert found == {setting.name: expected}, raw
        assert type(found[setting.name]) is type(expected), raw
        # The default is of the same type as what the environment gives.
        if setting.default is not None and expected is not None:
            assert type(setting.default) is type(expected)


def test_the_issue_s_settings_no_longer_arrive_as_strings():
    found = from_environment(
        {
            "FACILITATOR_PING_INTERVAL": "5",
            "FACILITATOR_PING_TIMEOUT": "15",
            "FACILITATOR_COOKIE_MAX_AGE": "86400",
            "FACILITATOR_MAX_CONTENT_LENGTH": "131072",
            "FACILITATOR_SESSION_COOKIE_HTTPONLY": "off",
            "FACILITATOR_LANGUAGES": "nl,fr",
            "FACILITATOR_WTF_CSRF_TIME_LIMIT": "3600",
            "FACILITATOR_PUBLIC_URL": "",
        }
    )
    assert found == {
        "PING_INTERVAL": 5,
        "PING_TIMEOUT": 15,
        "COOKIE_MAX_AGE": 86400,
        "MAX_CONTENT_LENGTH": 131072,
        "SESSION_COOKIE_HTTPONLY": False,
        "LANGUAGES": ("nl", "fr"),
        "WTF_CSRF_TIME_LIMIT": 3600,
        "PUBLIC_URL": None,
    }


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(w, True) for w in ("1", "true", "TRUE", "yes", "On")]
    + [(w, False) for w in ("0", "false", "False", "NO", "off")],
)
def test_booleans_take_the_usual_words_in_any_case(raw: str, expected: bool):
    found = from_environment({"FACILITATOR_SESSION_COOKIE_SECURE": raw})
    assert found == {"SESSION_COOKIE_SECURE": expected}


def test_only_the_variables_set_are_returned_and_os_environ_is_the_default(monkeypatch):
    for setting in SETTINGS:
        for variable in setting.variables:
            monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("FACILITATOR_BOT_INTERVAL", "1.5")
    monkeypatch.setenv("FACILITATOR_NOT_A_SETTING", "ignored")
    assert from_environment() == {"BOT_INTERVAL": 1.5}
    assert from_environment({}) == {}


def test_facilitator_database_url_wins_and_an_empty_database_url_is_ignored():
    ours, theirs = "sqlite:////tmp/ours.sqlite3", "postgresql://app@db/theirs"
    both = {"FACILITATOR_DATABASE_URL": ours, "DATABASE_URL": theirs}
    assert from_environment(both) == {"DATABASE_URL": ours}
    assert from_environment({"DATABASE_URL": theirs}) == {"DATABASE_URL": theirs}
    assert from_environment({"DATABASE_URL": ""}) == {}


# --- (c) a bad value names its variable


def bad_values(setting: Setting) -> list[str]:
    kind = setting.kind
    if kind.choices:
        return ["fibers", ""]
    table: dict[config.Kind, list[str]] = {
        config.INT: ["12abc", "1.5", ""],
        config.FLOAT: ["fast", "nan", ""],
        config.BOOL: ["maybe", "2", ""],
        config.TEXT: ["", "  "],
        config.PATH: [""],
        config.OPTIONAL_INT: ["soon", "1e3"],
        config.LANGUAGE_CODES: ["de", "nl,xx", ",", ""],
    }
    return table.get(kind, [])


# Optional text takes any value (empty means unset), so it has no bad one.
WITH_BAD_VALUES = [s for s in SETTINGS if bad_values(s)]


def test_every_kind_but_optional_text_has_bad_values():
    assert {s.name for s in SETTINGS} - {s.name for s in WITH_BAD_VALUES} == {
        s.name for s in SETTINGS if s.kind is config.OPTIONAL_TEXT
    }


@pytest.mark.parametrize("setting", WITH_BAD_VALUES, ids=lambda s: s.name)
def test_a_bad_value_raises_value_error_naming_the_variable(setting: Setting):
    variable = setting.variables[0]
    for raw in bad_values(setting):
        with pytest.raises(ValueError, match=re.escape(f"{variable}={raw!r}")) as caught:
            from_environment({variable: raw})
        assert "expected" in str(caught.value)  # says what would have been right


def test_a_bad_conventional_database_url_is_named_as_such():
    with pytest.raises(ValueError, match="FACILITATOR_DATABASE_URL=''"):
        from_environment({"FACILITATOR_DATABASE_URL": "", "DATABASE_URL": "sqlite://"})


@pytest.mark.parametrize(
    ("default", "doc"),
    [("5000", "A port"), (5000, ""), (5000, "two\nlines"), (True, "A flag")],
)
def test_a_setting_cannot_be_declared_without_a_fitting_type_and_a_one_line_doc(default, doc):
    with pytest.raises(ValueError, match="NEW_PORT"):
        Setting("NEW_PORT", default, config.INT, doc)


# --- (d) the environment cannot redirect a test app, but still applies elsewhere


def test_the_environment_cannot_redirect_a_test_app_but_fills_in_the_rest(monkeypatch, tmp_path):
    nowhere = "postgresql://nobody@127.0.0.1:1/does_not_exist"
    monkeypatch.setenv("DATABASE_URL", nowhere)
    monkeypatch.setenv("FACILITATOR_DATABASE_URL", nowhere)
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", "from-the-shell")
    monkeypatch.setenv("FACILITATOR_NOTE_MAX_CHARS", "99")
    monkeypatch.setenv("FACILITATOR_SESSION_COOKIE_HTTPONLY", "no")
    url = f"sqlite:///{tmp_path}/x.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SESSIONS_DIR": str(tmp_path),
            "EXPORTS_DIR": str(tmp_path),
            "SECRET_KEY": "x",
            "ASYNC_MODE": "threading",
        }
    )
    try:
        engine = app.extensions["facilitator.engine"]
        assert app.config["DATABASE_URL"] == url
        assert engine.url.get_backend_name() == "sqlite"
        assert engine.url.database == f"{tmp_path}/x.sqlite3"
        assert app.config["SECRET_KEY"] == "x"
        # Settings the test mapping does not name come from the environment, typed.
        assert app.config["NOTE_MAX_CHARS"] == 99
        assert app.config["SESSION_COOKIE_HTTPONLY"] is False
    finally:
        close_app(app)
