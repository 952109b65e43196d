"""The organiser chooses the coaching phase's card set on the agenda editor: the default
set when none, one of their own sets, never another organiser's; the phase then draws
from it and its areas make the self-scan."""

from __future__ import annotations

import pytest

from facilitator.cafe import coaching
from facilitator.coaching import cards
from facilitator.errors import DomainError
from facilitator.organise.specs import clean_spec
from facilitator.store.db import session_scope
from facilitator.store.models import CoachingArea, Workshop
from tests.test_organiser import create, edit_form, html, load, organiser, post_form


def _sets(app, user_name: str) -> list[int]:
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        from facilitator.store.models import User

        user = session.query(User).filter_by(username=user_name).one()
        return [s.id for s in cards.owned_sets(session, user.id)]


def _new_set(app, user_name: str, first_title: str) -> int:
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        from facilitator.store.models import User

        user = session.query(User).filter_by(username=user_name).one()
        card_set = cards.create_set(session, user.id, cards.DEFAULT)
        area = session.query(CoachingArea).filter_by(set_id=card_set.id, position=0).one()
        area.title = {"nl": first_title, "fr": first_title, "en": first_title}
        return card_set.id


def test_the_demo_agenda_offers_the_default_set_and_the_organisers_own(app):
    alice = organiser(app)
    own = _new_set(app, "alice", "Buurtgevoel")
    code = create(alice)
    page = html(alice.get(f"/o/w/{code}"))
    assert 'name="coaching_set"' in page and "The shipped default set, as it is" in page
    fields = edit_form(alice, code)
    assert fields["coaching_set"] == [""]  # the default until chosen
    assert post_form(alice, code, fields | {"coaching_set": [str(own)]}).status_code == 302
    assert load(app, code).coaching_set_id == own
    assert edit_form(alice, code)["coaching_set"] == [str(own)]
    with session_scope(app.extensions["facilitator.sessions"]) as session:
        workshop = session.get(Workshop, load(app, code).id)
        titles = [a["title"]["nl"] for a in coaching.staff_coaching(session, workshop)["areas"]]
    assert titles[0] == "Buurtgevoel"
    assert post_form(alice, code, fields | {"coaching_set": [""]}).status_code == 302
    assert load(app, code).coaching_set_id is None


def test_another_organisers_set_is_refused_and_nothing_changes(app):
    alice = organiser(app)
    organiser(app, "bob")
    bobs = _new_set(app, "bob", "Van Bob")
    code = create(alice)
    fields = edit_form(alice, code)
    for wrong in (str(bobs), "abc", "-1", "1" * 13, "99999"):
        response = post_form(alice, code, fields | {"coaching_set": [wrong]})
        assert response.status_code == 400, wrong
        assert "This card set does not exist." in html(response)
        assert load(app, code).coaching_set_id is None
    assert _sets(app, "alice") == []


def test_a_copy_keeps_its_card_set(app):
    alice = organiser(app)
    own = _new_set(app, "alice", "Buurtgevoel")
    code = create(alice)
    post_form(alice, code, edit_form(alice, code) | {"coaching_set": [str(own)]})
    copy = create(alice, "copy", copy_of=code)
    assert load(app, copy).coaching_set_id == own


@pytest.mark.parametrize("value", [True, 3.0, [], "1e3", " 1"])
def test_a_card_set_value_that_is_no_id_is_refused(value):
    from facilitator.organise.demo import template

    with pytest.raises(DomainError) as refused:
        clean_spec(dict(template()) | {"coaching_set": value})
    assert refused.value.code == "unknown_card_set"
    assert refused.value.details["field"] == "coaching_set"
