"""A shared device: several people join and post from one browser, each their own person."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import func, select

from facilitator.store.models import Contribution, Participant


def join_shared(http, code, name, language="nl"):
    response = http.post(f"/j/{code}", data={"language": language, "name": name, "shared": "yes"})
    assert response.status_code == 302, response.data
    return response


def switch_buttons(http, code) -> list[str]:
    page = http.get(f"/w/{code}").get_data(as_text=True)
    return re.findall(r'data-test="device-person"[^>]*>([^<]*)<', page)


def post_note(app, http, code, text):
    from facilitator.web.extensions import socketio

    sock = socketio.test_client(
        app, flask_test_client=http, auth={"code": code, "role": "participant"}
    )
    table = sock.emit("sync", {"last_seq": 0}, callback=True)["snapshot"]["seat"]["table"]
    payload = {"client_id": str(uuid.uuid4()), "text": text, "table": table}
    ack = sock.emit("note.post", payload, callback=True)
    sock.disconnect()
    return ack


def test_people_take_turns_on_one_device_and_each_is_counted(app, helpers, links):
    code = links.join_code
    helpers.staff(links).emit("round.start", {}, callback=True)
    tablet = app.test_client()
    join_shared(tablet, code, "Anne")
    assert switch_buttons(tablet, code) == ["Anne"]
    assert post_note(app, tablet, code, "Van Anne")["note"]["author"] == "Anne"
    # "I'm someone else": the join form again, ticked for a shared device.
    again = tablet.post(f"/j/{code}/device/new")
    assert again.status_code == 302 and "shared=1" in again.headers["Location"]
    form = tablet.get(again.headers["Location"]).get_data(as_text=True)
    assert 'name="shared" value="yes" checked' in form
    join_shared(tablet, code, "Bram")
    assert switch_buttons(tablet, code) == ["Anne", "Bram"]
    assert post_note(app, tablet, code, "Van Bram")["note"]["author"] == "Bram"
    with helpers.session() as s:
        anne = s.scalar(select(Participant.public_id).where(Participant.display_name == "Anne"))
        people = s.scalar(select(func.count(Participant.id)))
    assert people == 2  # two people, one device
    back = tablet.post(f"/j/{code}/device/{anne}")
    assert back.status_code == 302
    assert post_note(app, tablet, code, "Weer Anne")["note"]["author"] == "Anne"
    with helpers.session() as s:
        authors = dict(
            s.execute(
                select(Contribution.text, Participant.display_name).join(
                    Participant, Participant.id == Contribution.participant_id
                )
            ).all()
        )
    assert authors == {"Van Anne": "Anne", "Van Bram": "Bram", "Weer Anne": "Anne"}


def test_a_phone_of_one_person_shows_no_switch_and_cannot_take_someone_over(app, helpers, links):
    code = links.join_code
    phone = helpers.join(code)
    other = helpers.join(code)
    assert switch_buttons(phone.http, code) == []
    assert phone.http.post(f"/j/{code}/device/{other.public_id}").status_code == 403
    assert phone.http.post(f"/j/{code}/device/new").status_code == 403
    # A shared device cannot switch to someone who did not join on it either.
    tablet = app.test_client()
    join_shared(tablet, code, "Anne")
    assert tablet.post(f"/j/{code}/device/{other.public_id}").status_code == 403
    tablet.set_cookie(f"fs_{code}", "forged.token")
    assert tablet.post(f"/j/{code}/device/{other.public_id}").status_code == 403


def test_a_newcomer_on_a_shared_device_sits_at_its_table(app, helpers, links):
    code = links.join_code
    tablet = app.test_client()
    join_shared(tablet, code, "Anne")
    for name in ("Bram", "Chloé"):
        tablet.post(f"/j/{code}/device/new")
        join_shared(tablet, code, name)
    with helpers.session() as s:
        from facilitator.store.models import Seat

        tables = s.scalars(select(Seat.table_id)).all()
    assert len(tables) == 3 and len(set(tables)) == 1  # 6 tables of 5: all at Anne's
