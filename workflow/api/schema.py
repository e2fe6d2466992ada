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
