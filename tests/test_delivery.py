"""Light on the wire: compression, versioned asset URLs and their cache headers, favicon."""

from __future__ import annotations

import gzip
import re

import brotli
import pytest

from facilitator.web.delivery import IMMUTABLE, REVALIDATE

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}


def asset_links(html: str) -> list[str]:
    """The stylesheet and script URLs of a page."""
    return re.findall(r'(?:href|src)="(/(?:static|vendor)/[^"]+)"', html)


def join_page(app, code: str) -> str:
    return app.test_client().get(f"/j/{code}").get_data(as_text=True)


def test_pages_scripts_styles_and_json_are_compressed_when_the_browser_accepts_it(app, links):
    app.add_url_rule("/test-json", "test_json", lambda: {"notes": ["a note"] * 200})
    client = app.test_client()
    html = client.get(f"/j/{links.join_code}", headers=BROWSER)
    assert html.headers["Content-Encoding"] == "br"
    page = brotli.decompress(html.data).decode()
    assert "<html" in page
    client.get(f"/p/{links.join_code}/{links.projector_secret}")
    page += client.get(f"/p/{links.join_code}").get_data(as_text=True)
    urls = [url for url in asset_links(page) if ".css" in url or ".js" in url]
    assert {"app.css", "projector.js", "socket.io.min.js"} <= {
        url.split("?")[0].rsplit("/", 1)[-1] for url in urls
    }
    for url in urls:
        response = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert response.headers["Content-Encoding"] == "gzip", url
        assert int(response.headers["Content-Length"]) == len(response.data)
        assert len(gzip.decompress(response.data)) > len(response.data)
    data = client.get("/test-json", headers=BROWSER)
    assert data.mimetype == "application/json" and data.headers["Content-Encoding"] == "br"


def test_a_client_that_asks_for_no_compression_gets_plain_bytes(app, links):
    response = app.test_client().get(f"/j/{links.join_code}")
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.data
    assert "Accept-Encoding" in response.headers["Vary"]


def test_asset_urls_carry_the_content_hash_and_are_cached_for_a_year(app, links):
    client = app.test_client()
    urls = asset_links(join_page(app, links.join_code))
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        response.close()


def test_an_asset_without_its_current_hash_must_be_revalidated(app):
    client = app.test_client()
    for url in ("/static/css/app.css", "/static/css/app.css?v=000000000000"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == REVALIDATE
        etag = response.headers["ETag"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""


def test_a_compressed_asset_is_revalidated_with_its_encoding_s_etag(app):
    client = app.test_client()
    first = client.get("/static/js/common.js", headers=BROWSER)
    assert first.headers["Content-Encoding"] == "br" and first.headers["ETag"].endswith(':br"')
    again = client.get(
        "/static/js/common.js", headers=BROWSER | {"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_the_hash_changes_with_the_content(app, tmp_path):
    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    sheet = static / "css" / "app.css"
    sheet.write_text("body { color: red }")
    app.static_folder = str(static)
    with app.test_request_context():
        asset_url = app.jinja_env.globals["asset_url"]
        before = asset_url("css/app.css")
        sheet.write_text("body { color: blue }")
        after = asset_url("css/app.css")
    assert before != after and before.split("?")[0] == after.split("?")[0]
    fresh = app.test_client().get(after)
    assert fresh.data == b"body { color: blue }" and fresh.headers["Cache-Control"] == IMMUTABLE
    stale = app.test_client().get(before)
    assert stale.data == b"body { color: blue }" and stale.headers["Cache-Control"] == REVALIDATE


def test_an_unknown_asset_name_fails_loudly_and_paths_stay_inside_static(app):
    with app.test_request_context(), pytest.raises(LookupError):
        app.jinja_env.globals["asset_url"]("css/nope.css")
    client = app.test_client()
    assert client.get("/static/../pyproject.toml").status_code == 404
    assert client.get("/static/nope.css").status_code == 404


def test_the_favicon_is_linked_and_answers(app, links):
    html = join_page(app, links.join_code)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    assert icon and icon.group(1).startswith("/static/favicon.svg?v=")
    client = app.test_client()
    for url in (icon.group(1), "/favicon.ico"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml" and b"<svg" in response.data


def test_the_phones_service_worker_is_served_for_every_phone_page(app, helpers, links):
    """At /w/sw.js its scope is /w/ (the phone pages); revalidated on every update check,
    so a changed worker reaches the phones; the page names its person for the state it
    keeps offline."""
    response = app.test_client().get("/w/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == REVALIDATE
    assert b'addEventListener("fetch"' in response.data
    phone = helpers.join(links.join_code)
    page = phone.http.get(f"/w/{links.join_code}").get_data(as_text=True)
    assert f'data-person="{phone.public_id}"' in page
