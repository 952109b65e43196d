"""A new secret link replaces the old one, also for browsers that opened the old one."""

from __future__ import annotations

import pytest

from facilitator.cafe.workshops import get_by_code, rotate_secrets
from facilitator.web.extensions import socketio


def opened(app, role, code, secret):
    http = app.test_client()
    prefix = "f" if role == "facilitator" else "p"
    assert http.get(f"/{prefix}/{code}/{secret}").status_code == 302
    return http


def page(http, role, code):
    prefix = "f" if role == "facilitator" else "p"
    return http.get(f"/{prefix}/{code}").status_code


def connects(app, http, role, code) -> bool:
    client = socketio.test_client(app, flask_test_client=http, auth={"code": code, "role": role})
    ok = client.is_connected()
    if ok:
        client.disconnect()
    return ok


@pytest.mark.parametrize("role", ["facilitator", "projector"])
def test_after_a_new_link_the_old_cookie_opens_nothing(app, helpers, links, role):
    code = links.join_code
    old_secret = links.facilitator_secret if role == "facilitator" else links.projector_secret
    old = opened(app, role, code, old_secret)
    assert page(old, role, code) == 200 and connects(app, old, role, code)
    with helpers.session() as session:
        fresh = rotate_secrets(session, get_by_code(session, code))
    assert page(old, role, code) == 403
    assert not connects(app, old, role, code)
    new_secret = fresh.facilitator_secret if role == "facilitator" else fresh.projector_secret
    new = opened(app, role, code, new_secret)
    assert page(new, role, code) == 200 and connects(app, new, role, code)
    assert app.test_client().get(f"/f/{code}/{old_secret}").status_code == 403


def test_a_new_facilitator_link_leaves_the_projector_running(app, helpers, links):
    from facilitator.organise.admin import invite_facilitator

    code = links.join_code
    projector = opened(app, "projector", code, links.projector_secret)
    facilitator = opened(app, "facilitator", code, links.facilitator_secret)
    with helpers.session() as session:
        invite_facilitator(session, get_by_code(session, code))
    assert page(facilitator, "facilitator", code) == 403
    assert page(projector, "projector", code) == 200 and connects(app, projector, "projector", code)


def test_a_cookie_from_before_links_were_remembered_is_refused(app, helpers, links):
    from facilitator.web.auth import Caller, cookie_name, issue_token

    http = app.test_client()
    token = issue_token(app.config["SECRET_KEY"], Caller("facilitator", links.join_code))
    http.set_cookie(cookie_name("facilitator", links.join_code), token)
    assert page(http, "facilitator", links.join_code) == 403
