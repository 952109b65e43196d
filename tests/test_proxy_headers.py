"""Behind nginx: the Socket.IO handshake accepts the browser's origin as the proxy saw it."""

from __future__ import annotations

import pytest

from tests.conftest import close_app, make_app

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"


@pytest.fixture
def proxied(sqlite_url, tmp_path):
    application = make_app(sqlite_url, tmp_path, PROXY_HOPS=1)
    yield application
    close_app(application)


def handshake(app, origin: str, forwarded: dict[str, str]) -> int:
    """The status of a polling handshake reaching the worker at 127.0.0.1:5001."""
    headers = {"Origin": origin, "Host": "127.0.0.1:5001", **forwarded}
    return app.test_client().get(HANDSHAKE, headers=headers).status_code


def nginx_headers(scheme: str, host: str, port: str) -> dict[str, str]:
    """What deploy/nginx.conf sends: `Host $http_host` and its X-Forwarded-* lines."""
    return {
        "Host": host,
        "X-Forwarded-For": "192.0.2.10",
        "X-Forwarded-Proto": scheme,
        "X-Forwarded-Host": host,
        "X-Forwarded-Port": port,
    }


@pytest.mark.parametrize(
    ("origin", "scheme", "host", "port"),
    [
        ("http://venue.example:8080", "http", "venue.example:8080", "8080"),
        ("https://venue.example", "https", "venue.example", "443"),
        ("https://venue.example:8443", "https", "venue.example:8443", "8443"),
        ("http://venue.example", "http", "venue.example", "80"),
    ],
)
def test_the_handshake_through_the_proxy_accepts_the_pages_own_origin(
    proxied, origin, scheme, host, port
):
    assert handshake(proxied, origin, nginx_headers(scheme, host, port)) == 200


def test_another_sites_origin_is_still_refused_behind_the_proxy(proxied):
    headers = nginx_headers("https", "venue.example", "443")
    assert handshake(proxied, "https://evil.example", headers) == 400


def test_behind_tls_the_app_sees_the_address_the_phone_used(proxied):
    from flask import request

    @proxied.get("/_seen")
    def seen() -> dict[str, str]:
        return {"url": request.url, "remote": request.remote_addr or ""}

    headers = nginx_headers("https", "venue.example", "443")
    seen_there = proxied.test_client().get("/_seen?x=1", headers=headers).get_json()
    assert seen_there == {"url": "https://venue.example/_seen?x=1", "remote": "192.0.2.10"}
