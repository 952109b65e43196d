"""`facilitator import`: an archive becomes a workshop again, or nothing happens."""

from __future__ import annotations

import zipfile

from sqlalchemy import func, select

from facilitator.cli import main
from facilitator.exports.archive import write_archive
from facilitator.store.models import Contribution, Workshop


def point_the_command_at(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The command reads its settings from the environment: this test app's."""
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("FACILITATOR_SESSIONS_DIR", app.config["SESSIONS_DIR"])
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("FACILITATOR_ASYNC_MODE", "threading")


def test_an_archive_comes_back_as_a_new_workshop(
    app, helpers, links, tmp_path, monkeypatch, capsys
):
    phone = helpers.join(links.join_code)
    helpers.staff(links).emit("round.start", {}, callback=True)
    phone.post("Buren helpen buren")
    archive = tmp_path / "archive.zip"
    with helpers.session() as session:
        workshop_id = helpers.workshop(links.join_code).id
        write_archive(session, workshop_id, app.config["SESSIONS_DIR"], archive)
    point_the_command_at(app, monkeypatch)
    assert main(["import", str(archive)]) == 0
    out = capsys.readouterr().out
    assert "Workshop imported with code" in out and "/f/" in out
    with helpers.session() as session:
        assert session.scalar(select(func.count(Workshop.id))) == 2
        texts = session.scalars(select(Contribution.text)).all()
    assert texts == ["Buren helpen buren", "Buren helpen buren"]


def test_a_broken_archive_imports_nothing(app, helpers, links, tmp_path, monkeypatch, capsys):
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    point_the_command_at(app, monkeypatch)
    assert main(["import", str(broken)]) == 1
    assert "archive_malformed" in capsys.readouterr().err
    assert main(["import", str(broken), "--owner", "nobody"]) == 1
    with helpers.session() as session:
        assert session.scalar(select(func.count(Workshop.id))) == 1


def test_an_archive_naming_a_project_it_lacks_says_where(
    app, helpers, links, tmp_path, monkeypatch, capsys
):
    import json

    helpers.join(links.join_code)
    with helpers.session() as session:
        workshop_id = helpers.workshop(links.join_code).id
        write_archive(session, workshop_id, app.config["SESSIONS_DIR"], tmp_path / "a.zip")
    with zipfile.ZipFile(tmp_path / "a.zip") as zipped:
        document = json.loads(zipped.read("workshop.json"))
    document["workshop"]["participants"][0]["project"] = 1  # the archive lists no project
    bare = tmp_path / "workshop.json"
    bare.write_text(json.dumps(document))
    point_the_command_at(app, monkeypatch)
    assert main(["import", str(bare)]) == 1
    err = capsys.readouterr().err
    assert "Nothing was imported: archive_malformed at workshop.participants[0].project." in err
    with helpers.session() as session:
        assert session.scalar(select(func.count(Workshop.id))) == 1
