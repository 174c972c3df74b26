"""The web page: one HTML document, a stylesheet and a script, served by the API.

There is no build step. The page talks only to the public v1 API (same origin),
so everything it shows is what any API client would get.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, make_response, render_template, url_for

# A plain Flask blueprint (not apiflask's): the page is not part of the OpenAPI document.
bp = Blueprint(
    "web",
    __name__,
    static_folder="static",
    # Not "/static": the app's own static route may already claim that prefix.
    static_url_path="/web-static",
    template_folder="templates",
)

_STATIC_DIR = Path(__file__).resolve().parent / "static"

# Everything is same-origin; page images arrive as blob: URLs because <img> cannot send a bearer key.
_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' blob: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


@lru_cache(maxsize=None)
def _fingerprint(filename: str) -> str:
    """A short content hash, so browsers pick up a new script after an upgrade."""
    return hashlib.sha256((_STATIC_DIR / filename).read_bytes()).hexdigest()[:12]


def static_url(filename: str) -> str:
    return url_for("web.static", filename=filename, v=_fingerprint(filename))


@bp.get("/")
def index():
    response = make_response(render_template("web/index.html", static_url=static_url))
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    # The HTML is tiny and names fingerprinted assets: always revalidate it.
    response.headers["Cache-Control"] = "no-cache"
    return response
