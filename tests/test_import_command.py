"""`facilitator import`: an archive becomes a workshop again, or nothing happens."""

from __future__ import annotations

from sqlalchemy import func, select

from facilitator.cli import main
from facilitator.exports.archive import write_archive
from facilitator.store.models import Contribution, Workshop


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
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("FACILITATOR_SESSIONS_DIR", app.config["SESSIONS_DIR"])
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("FACILITATOR_ASYNC_MODE", "threading")
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
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("FACILITATOR_SESSIONS_DIR", app.config["SESSIONS_DIR"])
    monkeypatch.setenv("FACILITATOR_SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("FACILITATOR_ASYNC_MODE", "threading")
    assert main(["import", str(broken)]) == 1
    assert "archive_malformed" in capsys.readouterr().err
    assert main(["import", str(broken), "--owner", "nobody"]) == 1
    with helpers.session() as session:
        assert session.scalar(select(func.count(Workshop.id))) == 1
