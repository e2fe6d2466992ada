"""Schemathesis over the whole OpenAPI schema, in-process through the WSGI app.

Every operation is called with generated data, valid and invalid (positive and
negative modes), as several personas, each with a real token: no server error,
only documented status codes, responses matching their schema and media type.
Seeded and deterministic, with few examples per operation, so it stays a few
seconds of `make test` on SQLite and PostgreSQL alike.

Left out of fuzzing: `POST /api/auth/token/` (it is throttled and answers
for anybody; tests/api/test_auth.py covers it) and `POST /api/auth/logout/`
(it revokes the very token the other calls use). The schema declares no
OpenAPI links, so there is no stateful phase to run.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

pytestmark = pytest.mark.schemathesis

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    response_schema_conformance,
    content_type_conformance,
]
PERSONAS = ("employee", "appraiser", "inspector", "hr_admin")
SKIPPED = ("/api/auth/token/", "/api/auth/logout/")
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260601,
        "generation": {"mode": "all", "max-examples": 8, "deterministic": True},
        "phases": {"coverage": {"enabled": False}},
    }
)


def _schema():
    document = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(document, config=CONFIG)
    loaded.app = get_wsgi_application()
    return loaded.exclude(path=list(SKIPPED))


# Built at collection: pytest-django has configured Django by then; no database needed.
schema = _schema()


@pytest.fixture
def tokens(org, appraisal):
    # As django.test.Client does: the WSGI handler must not close the test's connection
    # at the end of each request (on PostgreSQL that ends the test's transaction).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {name: Token.objects.create(user=org.users[name]).key for name in PERSONAS}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_schema_declares_no_links():
    """Stateful testing needs OpenAPI links; when some appear, enable the stateful phase."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    links = [
        (path, method)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        if response.get("links")
    ]
    assert links == []


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, tokens):
    for persona in PERSONAS:
        case.call_and_validate(headers={"Authorization": f"Token {tokens[persona]}"}, checks=CHECKS)
