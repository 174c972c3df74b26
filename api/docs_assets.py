"""Swagger UI for ``/docs`` from the pinned ``swagger-ui-py`` package's files, not a CDN:
the page works on a machine without internet (apiflask's defaults point at jsdelivr)."""
from __future__ import annotations

from pathlib import Path

import swagger_ui
from flask import Blueprint, send_from_directory

PREFIX = "/docs/assets"
_STATIC = Path(swagger_ui.__file__).resolve().parent / "static"
_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "favicon-32x32.png"}

bp = Blueprint("docs_assets", __name__)


@bp.get(f"{PREFIX}/<name>")
def asset(name: str):
    if name not in _FILES:  # only what the page loads, nothing else of the package
        from api.errors import NotFound

        raise NotFound(f"no documentation asset {name!r}")
    return send_from_directory(_STATIC, name, max_age=86400)


def configure(app) -> None:
    app.config.update(
        SWAGGER_UI_CSS=f"{PREFIX}/swagger-ui.css",
        SWAGGER_UI_BUNDLE_JS=f"{PREFIX}/swagger-ui-bundle.js",
        SWAGGER_UI_STANDALONE_PRESET_JS=f"{PREFIX}/swagger-ui-standalone-preset.js",
        DOCS_FAVICON=f"{PREFIX}/favicon-32x32.png",
    )
    app.register_blueprint(bp)
