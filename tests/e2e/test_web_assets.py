"""The web page's blueprint on its own: what it serves and what it must never reference.

No browser and no services: a bare Flask app with only ``api.web.bp``.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

from api import web

pytestmark = pytest.mark.e2e

STATIC = Path(web.__file__).resolve().parent / "static"
TEMPLATES = Path(web.__file__).resolve().parent / "templates"


@pytest.fixture
def client():
    app = Flask(__name__)
    app.register_blueprint(web.bp)
    return app.test_client()


def test_page_is_served_with_a_strict_content_security_policy(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    html = response.get_data(as_text=True)
    # No inline script or style: the CSP above would block them.
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "<style" not in html and " style=" not in html


def test_every_asset_the_page_names_is_served_and_fingerprinted(client):
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/web-static/[^"]+)"', html)
    assert {u.split("?")[0].rsplit("/", 1)[1] for u in urls} >= {"web.js", "web.css", "favicon.svg"}
    for url in urls:
        assert re.search(r"\?v=[0-9a-f]{12}$", url), url
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.data == (STATIC / url.split("?")[0].removeprefix("/web-static/")).read_bytes()


def test_nothing_is_fetched_from_another_origin():
    for path in [*STATIC.rglob("*"), *TEMPLATES.rglob("*")]:
        if path.is_file():
            # An SVG's xmlns names a namespace, not something to fetch.
            text = re.sub(r'xmlns(?::\w+)?="[^"]*"', "", path.read_text(encoding="utf-8"))
            assert not re.search(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), f"{path} names another origin"


def test_every_script_is_loaded_in_order_and_deferred(client):
    html = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script src="/web-static/([^"?]+)\?v=[0-9a-f]{12}" defer></script>', html)
    assert scripts[0] == "i18n.js" and scripts[-1] == "web.js"
    assert set(scripts) == {p.name for p in STATIC.glob("*.js")}, "a script in static/ the page never loads"
    # i18n, api and ui are used while the later scripts load; the rest only when web.js runs.
    assert scripts[1:3] == ["api.js", "ui.js"]
    assert len(set(scripts)) == len(scripts)
