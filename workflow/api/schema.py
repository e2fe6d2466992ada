"""OpenAPI post-processing: every operation documents the errors it can answer.

All errors share one shape (workflow.api.errors); listing them per operation
lets clients and contract tests (schemathesis) check every status code.
"""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "messages": {
            "type": "object",
            "properties": {"id": {"type": "string"}, "en": {"type": "string"}},
        },
        "problems": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "code": {"type": "string"},
                    "field": {"type": "string"},
                    "message": {"type": "string"},
                    "messages": {"type": "object"},
                },
                "required": ["code", "message"],
            },
        },
    },
    "required": ["code", "detail", "messages", "problems"],
}
READ_ERRORS = {
    "400": "Isian atau filter tidak valid / invalid input or filter",
    "401": "Belum masuk / not authenticated",
    "403": "Tidak berwenang / not allowed",
    "404": "Tidak ada atau tidak terlihat / missing or not visible",
    "429": "Terlalu banyak permintaan / throttled",
}
WRITE_ERRORS = {
    **READ_ERRORS,
    "409": "Tidak mungkin pada status ini / not possible in the current state",
    "412": "If-Match tidak cocok / stale version",
    "413": "Berkas terlalu besar / payload too large",
    "415": "Jenis isi tidak didukung / unsupported media type",
    "422": "Idempotency-Key dipakai untuk permintaan lain / key reused",
}


# No text the API takes may hold a NUL character (DRF and Django forms refuse it; PostgreSQL
# could not store it): the schema says so for every free string a client sends. DRF trims
# text before checking it, so a required text (minLength >= 1) must also hold a character
# that is not whitespace; the class lists what Python's str.strip() removes, written out
# because regex engines disagree on \s.
NO_NUL = "^[^\\u0000]*$"
_SPACE = (
    "\\t-\\r\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
NOT_BLANK = f"^[^\\u0000]*[^\\u0000{_SPACE}][^\\u0000]*$"


def _forbid_nul(schema) -> None:
    if isinstance(schema, list):
        for item in schema:
            _forbid_nul(item)
        return
    if not isinstance(schema, dict):
        return
    if schema.get("type") == "string" and not {"format", "enum", "pattern"} & set(schema):
        schema["pattern"] = NOT_BLANK if schema.get("minLength", 0) >= 1 else NO_NUL
    for key, value in schema.items():
        if key in ("properties", "patternProperties") and isinstance(value, dict):
            for inner in value.values():
                _forbid_nul(inner)
        elif key in ("items", "additionalProperties", "allOf", "anyOf", "oneOf", "not"):
            _forbid_nul(value)


def forbid_nul_in_requests(result, generator, request, public):
    """Request bodies (the `...Request` components) and parameters declare: no NUL."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("Request"):
            _forbid_nul(component)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                _forbid_nul(parameter.get("schema"))
            for media in operation.get("requestBody", {}).get("content", {}).values():
                _forbid_nul(media.get("schema"))
    return result


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = READ_ERRORS if method in ("get", "head", "options") else WRITE_ERRORS
            for status, description in errors.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ref}},
                    },
                )
    return result
