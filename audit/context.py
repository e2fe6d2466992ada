"""The request id of the work in progress, for correlating audit events.

The id that enters the record is generated here, at the edge (uuid4), never
taken from the client: a client-chosen id could be forged into the permanent
record (issue #13). A client's own `X-Request-ID` is kept apart, as a hint,
only when it matches CLIENT_ID; anything else is dropped. Neither id is part
of the hash chain's canonical form (audit/canonical.py).
"""

import contextvars
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
client_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "client_request_id", default=""
)

CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def client_hint(value: str | None) -> str:
    """The client's request id if it is a plain token of at most 64 characters, else ""."""
    return value if value and CLIENT_ID.fullmatch(value) else ""


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        rid = uuid.uuid4().hex
        token = request_id.set(rid)
        hint = client_request_id.set(client_hint(request.headers.get("X-Request-ID")))
        try:
            response = self.get_response(request)
        finally:
            request_id.reset(token)
            client_request_id.reset(hint)
        response["X-Request-ID"] = rid
        return response
