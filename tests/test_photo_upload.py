"""Tablecloth photos from a phone: stored once, re-encoded without EXIF, shown to the table."""

from __future__ import annotations

import io
import uuid

import pytest
from PIL import Image
from sqlalchemy import func, select

from facilitator.store.models import Contribution, Photo
from tests.conftest import close_app

GPS_IFD = 0x8825


def camera_jpeg(size=(640, 480)) -> bytes:
    """A JPEG as a phone sends it: with a GPS position in its EXIF."""
    image = Image.new("RGB", size, (240, 235, 220))
    exif = Image.Exif()
    exif[0x0112] = 1
    exif.get_ifd(GPS_IFD)[2] = (50.0, 51.0, 2.0)  # latitude: where the venue is
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(phone, code, data, *, client_id=None, table=None, name="cloth.jpg", headers=None):
    table = table if table is not None else phone.snapshot()["seat"]["table"]
    form = {"client_id": client_id or str(uuid.uuid4()), "table": str(table)}
    if data is not None:
        form["photo"] = (io.BytesIO(data), name)
    response = phone.http.post(f"/j/{code}/photos", data=form, headers=headers or {})
    return response.status_code, response.get_json()


def photo_rows(helpers) -> int:
    with helpers.session() as session:
        return session.scalar(select(func.count(Photo.contribution_id)))


def test_a_phone_posts_the_tablecloth_and_its_table_sees_it(app, helpers, links):
    code = links.join_code
    phones = [helpers.join(code) for _ in range(7)]  # six tables: the seventh joins table 1
    phone, neighbour, elsewhere = phones[0], phones[6], phones[1]
    projector = helpers.staff(links, "projector")
    for screen in phones:
        screen.socket.get_received()
    status, body = upload(phone, code, camera_jpeg())
    assert status == 200 and body["ok"] and not body["duplicate"]
    photo = body["photo"]
    assert (photo["width"], photo["height"], photo["table"]) == (640, 480, 1)
    for screen in (neighbour.socket, projector):
        posted = [e for e in screen.get_received() if e["name"] == "photo.posted"]
        assert [e["args"][0]["data"]["photo"]["id"] for e in posted] == [photo["id"]]
    assert not [e for e in elsewhere.received() if e["name"] == "photo.posted"]
    assert [p["id"] for p in neighbour.snapshot()["photos"]] == [photo["id"]]
    assert elsewhere.snapshot()["photos"] == []
    image = neighbour.http.get(f"/j/{code}/photos/{photo['id']}.jpg")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    stored = Image.open(io.BytesIO(image.data))
    assert not stored.getexif() and b"Exif" not in image.data  # no location travels on
    image.close()
    thumb = neighbour.http.get(f"/j/{code}/photos/{photo['id']}.jpg?size=thumb")
    assert max(Image.open(io.BytesIO(thumb.data)).size) <= 480
    thumb.close()
    assert app.test_client().get(f"/j/{code}/photos/{photo['id']}.jpg").status_code == 403


def test_a_resend_on_a_flaky_connection_is_stored_once(helpers, links):
    phone = helpers.join(links.join_code)
    client_id = str(uuid.uuid4())
    first = upload(phone, links.join_code, camera_jpeg(), client_id=client_id)
    again = upload(phone, links.join_code, camera_jpeg(), client_id=client_id)
    assert first[0] == again[0] == 200 and again[1]["duplicate"]
    assert again[1]["photo"]["id"] == first[1]["photo"]["id"]
    assert photo_rows(helpers) == 1


def test_someone_else_cannot_take_over_a_photo_id(helpers, links):
    phone, other = helpers.join(links.join_code), helpers.join(links.join_code)
    client_id = str(uuid.uuid4())
    assert upload(phone, links.join_code, camera_jpeg(), client_id=client_id)[0] == 200
    status, body = upload(other, links.join_code, camera_jpeg(), client_id=client_id)
    assert (status, body["error"]) == (409, "client_id_taken")
    assert photo_rows(helpers) == 1


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>'


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"not an image at all", "cloth.jpg", "not_an_image"),
        (SVG, "cloth.svg", "photo_type_not_allowed"),
        (camera_jpeg()[:400], "cloth.jpg", "not_an_image"),
        (None, "cloth.jpg", "not_an_image"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_stored(helpers, links, data, name, error):
    phone = helpers.join(links.join_code)
    status, body = upload(phone, links.join_code, data, name=name)
    assert (status, body["ok"], body["error"]) == (400, False, error)
    assert body["message"]
    assert photo_rows(helpers) == 0


def test_a_photo_over_the_size_limit_is_refused(tmp_path, sqlite_url):
    from tests.conftest import Helpers, make_app

    app = make_app(sqlite_url, tmp_path, PHOTO_MAX_BYTES=20_000)
    helpers = Helpers(app)
    links = helpers.make_workshop()
    phone = helpers.join(links.join_code)
    status, body = upload(phone, links.join_code, camera_jpeg((3000, 2000)) + b"\0" * 30_000)
    assert (status, body["error"]) == (413, "photo_too_large")
    assert photo_rows(helpers) == 0
    close_app(app)


def test_bad_fields_and_the_wrong_table_are_refused(helpers, links):
    phone = helpers.join(links.join_code)
    jpeg = camera_jpeg()
    assert upload(phone, links.join_code, jpeg, client_id="nope")[1]["error"] == "bad_client_id"
    assert upload(phone, links.join_code, jpeg, table="x")[1]["error"] == "bad_request"
    assert upload(phone, links.join_code, jpeg, table=4)[1]["error"] == "not_your_table"
    assert photo_rows(helpers) == 0


def test_only_people_of_the_workshop_may_post_or_look(app, helpers, links):
    other = helpers.make_workshop()
    stranger = helpers.join(other.join_code)
    status, body = upload(stranger, links.join_code, camera_jpeg(), table=1)
    assert (status, body["error"]) == (403, "unauthorized")
    phone = helpers.join(links.join_code)
    photo = upload(phone, links.join_code, camera_jpeg())[1]["photo"]
    assert stranger.http.get(f"/j/{links.join_code}/photos/{photo['id']}.jpg").status_code == 403
    assert stranger.http.get(f"/j/{other.join_code}/photos/{photo['id']}.jpg").status_code == 404


def test_a_hidden_photo_leaves_the_phones_but_the_facilitator_keeps_it(helpers, links):
    code = links.join_code
    phone = helpers.join(code)
    facilitator = helpers.staff(links)
    photo = upload(phone, code, camera_jpeg())[1]["photo"]
    assert facilitator.emit("note.hide", {"note": photo["id"]}, callback=True)["ok"]
    assert phone.snapshot()["photos"] == []
    assert phone.http.get(f"/j/{code}/photos/{photo['id']}.jpg").status_code == 404
    staff = facilitator.emit("sync", {}, callback=True)["snapshot"]["photos"]
    assert [(p["id"], p["hidden"]) for p in staff] == [(photo["id"], True)]
    assert facilitator.emit("note.restore", {"note": photo["id"]}, callback=True)["ok"]
    assert [p["id"] for p in phone.snapshot()["photos"]] == [photo["id"]]
    # An upvote is for notes: a photo id is not a note.
    assert phone.socket.emit("note.vote", {"note": photo["id"]}, callback=True)["error"] == (
        "unknown_note"
    )


def test_photos_stay_out_of_the_word_cloud(helpers, links):
    from facilitator.web.jobs.wall import wall_notes

    phone = helpers.join(links.join_code)
    upload(phone, links.join_code, camera_jpeg())
    phone.post("Buren helpen buren")
    with helpers.session() as session:
        workshop = helpers.workshop(links.join_code)
        kinds = session.scalars(select(Contribution.kind).order_by(Contribution.id)).all()
        notes = wall_notes(session, workshop.id)
    assert kinds == ["photo", "note"] and [n.text for n in notes] == ["Buren helpen buren"]


def test_the_wall_of_one_table_or_one_round_holds_only_its_notes(helpers, links):
    from facilitator.web.jobs.wall import wall_notes

    code = links.join_code
    phones = [helpers.join(code) for _ in range(7)]  # six tables: the seventh sits at 1 again
    by_table = {}
    for phone in phones:
        table = phone.snapshot()["seat"]["table"]
        phone.post(f"note from table {table}")
        by_table.setdefault(table, []).append(f"note from table {table}")
    workshop = helpers.workshop(code)
    with helpers.session() as session:
        assert [n.text for n in wall_notes(session, workshop.id, "t:1")] == by_table[1]
        assert len(wall_notes(session, workshop.id, "r:1")) == 7
        assert wall_notes(session, workshop.id, "r:2") == []
        assert len(wall_notes(session, workshop.id, "all")) == 7


def test_without_the_pages_csrf_token_a_photo_is_refused(tmp_path, sqlite_url):
    from tests.conftest import Helpers, make_app

    app = make_app(sqlite_url, tmp_path, WTF_CSRF_ENABLED=True)
    helpers = Helpers(app)
    links = helpers.make_workshop()
    http = app.test_client()
    page = http.get(f"/j/{links.join_code}").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    joined = http.post(f"/j/{links.join_code}", data={"language": "en", "csrf_token": token})
    assert joined.status_code == 302
    from facilitator.web.extensions import socketio

    sock = socketio.test_client(
        app, flask_test_client=http, auth={"code": links.join_code, "role": "participant"}
    )
    phone = type("P", (), {"http": http, "snapshot": lambda self: {"seat": {"table": 1}}})()
    status, body = upload(phone, links.join_code, camera_jpeg())
    assert (status, body["error"]) == (400, "unauthorized")
    table_page = http.get(f"/w/{links.join_code}").get_data(as_text=True)
    header = table_page.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    status, body = upload(phone, links.join_code, camera_jpeg(), headers={"X-CSRFToken": header})
    assert status == 200 and body["ok"]
    sock.disconnect()
    close_app(app)
