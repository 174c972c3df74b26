"""What ``/openapi.json`` says beyond each route's decorators: the answers any route can give, and the
characters no string field takes (api/guards.py refuses them before any route runs).

Kept here, once, rather than repeated on some 30 routes: a schemathesis run over the document
(tests/integration/test_api_fuzz.py) found every route answering 400, 401, 413 or 503 without the
document saying so, and generated control characters the guard then refused as "valid" input.
"""
from __future__ import annotations

# ECMA-262 and Python's re both read this: no C0 control character and no DEL.
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001f\\u007f]*$"
# The envelope (api/errors.py); HTTP_ERROR_SCHEMA in api/__init__.py makes apiflask use it too.
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
_METHODS = ("get", "post", "put", "patch", "delete")
_AUTHENTICATED_PREFIXES = ("/v1/", "/ocr/predict")


def _common_responses(path: str, operation: dict) -> dict:
    common = {
        "400": "Malformed request: a control character in a field, or JSON that is not an object or is nested too deeply",
        "503": "The database is unavailable (service_unavailable); retry after Retry-After",
    }
    if path.startswith(_AUTHENTICATED_PREFIXES):
        common["401"] = "No or bad API key (unauthorized)"
    if "requestBody" in operation:
        common["413"] = "The body is over the upload limit (file_too_large)"
    return common


def _restrict_strings(schema: dict, components: dict, seen: set) -> None:
    """Adds the pattern to every plain string of a request schema (not to file contents or formats)."""
    ref = schema.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        if name not in seen:
            seen.add(name)
            _restrict_strings(components.get(name, {}), components, seen)
        return
    types = schema.get("type")
    is_string = types == "string" or (isinstance(types, list) and "string" in types)  # ["string", "null"]
    if None in schema.get("enum", ()) and "" not in schema["enum"]:
        schema["enum"].append("")  # a Text option: blank, like null, counts as not given (api/schemas.Text)
    if is_string and "format" not in schema and "enum" not in schema and "pattern" not in schema:
        schema["pattern"] = NO_CONTROL_CHARACTERS
    for child in (schema.get("properties") or {}).values():
        _restrict_strings(child, components, seen)
    if isinstance(schema.get("items"), dict):
        _restrict_strings(schema["items"], components, seen)


def document(spec: dict) -> dict:
    """apiflask's ``spec_processor``: runs on the generated document before it is served."""
    components = spec.setdefault("components", {}).setdefault("schemas", {})
    seen: set = set()
    for path, item in spec.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            for status, description in _common_responses(path, operation).items():
                operation["responses"].setdefault(status, {"description": description, "content": _ERROR})
            for parameter in operation.get("parameters", []):
                _restrict_strings(parameter.get("schema", {}), components, seen)
            for media in (operation.get("requestBody") or {}).get("content", {}).values():
                _restrict_strings(media.get("schema", {}), components, seen)
    return spec
