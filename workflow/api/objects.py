"""The HTTP face every registered lifecycle gets from its table, keyed by its name.

`POST /api/<route>/<id>/transitions/<name>/` (If-Match, Idempotency-Key) and
`GET /api/<route>/<id>/history/`, for each workflow that declares a `route`
(workflow.api.urls draws the routes). The table says who sees an object
(`visible`), how it is shown (`serializer`, `related`) and who reads its
history (`history_readers`); everything else is the engine's.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.api.serializers import AuditEventSerializer
from audit.selectors import HISTORY_PAGE_SIZE, audit_events_page
from audit.services import read_access_record

from .. import definition, services
from ..definition import Workflow
from ..errors import ActionForbidden, NotFound, PayloadInvalid, Problem
from ..hooks import resolve
from ..services import serializer_problems
from ..text import Text
from .filters import MAX_ID

# What If-Match may hold, for the schema and the check: "*" or a version ("3", W/"3").
IF_MATCH_PATTERN = r'^[ \t]*(\*|(W/)?"?[0-9]{1,18}"?)[ \t]*$'
_IF_MATCH = re.compile(r'^[ \t]*(?:W/)?"?([0-9]{1,18})"?[ \t]*$')
NOT_A_VERSION = Text(
    id='If-Match harus berisi versi, misalnya "3".', en='If-Match must carry a version, e.g. "3".'
)
NOT_FOUND = Text(id="Data tidak ditemukan.", en="Not found.")


def expected_version(request) -> int | None:
    """The version the client last saw; a malformed header is 400, a stale one 412 (later)."""
    header = request.headers.get("If-Match")
    if header is None or header.strip(" \t") == "*":
        return None
    match = _IF_MATCH.match(header)
    if not match:
        raise PayloadInvalid(
            NOT_A_VERSION,
            [Problem(code="invalid_if_match", message=NOT_A_VERSION, field="If-Match")],
        )
    return int(match.group(1))


def object_get_visible(workflow: Workflow, *, user, pk) -> Any:
    """The object if `user` may see it; missing and forbidden are both 404.

    The table's own selector when it names one; otherwise an object is seen by
    whoever holds a role on it (deny by default).
    """
    if workflow.visible:
        return resolve(workflow.visible)(user=user, pk=pk)
    model = definition.model_of(workflow.name)
    found = None
    if isinstance(pk, int) and 0 < pk <= MAX_ID:
        found = model._default_manager.filter(pk=pk).first()
    if found is None or not workflow.roles_of(found, user):
        raise NotFound(NOT_FOUND)
    return found


def object_lock_visible(workflow: Workflow, *, user, pk) -> Any:
    """The object if `user` may see it (else 404, as `object_get_visible`), its row locked
    until the caller's transaction ends and its `related` rows loaded: one read serves the
    checks, the change and the response of a transition (`services.perform(locked=True)`).

    The table's own `visible_locked` selector when it names one (it filters by visibility
    in the locking statement, so no row an actor cannot see is ever locked by them);
    otherwise the table's `visible`, then the lock; otherwise the row locked by id, seen by
    whoever holds a role on it.
    """
    if workflow.visible_locked:
        return resolve(workflow.visible_locked)(user=user, pk=pk)
    model = definition.model_of(workflow.name)
    if workflow.visible:
        pk = resolve(workflow.visible)(user=user, pk=pk).pk
    found = None
    if isinstance(pk, int) and 0 < pk <= MAX_ID:
        rows = model._default_manager.select_related(*workflow.related)
        found = rows.select_for_update(of=("self",)).filter(pk=pk).first()
    if found is None or (not workflow.visible and not workflow.roles_of(found, user)):
        raise NotFound(NOT_FOUND)
    return found


AVAILABLE_TRANSITIONS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "target": {"type": "string"},
            "label": {"type": "string"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "reason_required": {"type": "boolean"},
        },
        "required": ["name", "target", "label"],
    },
}


def available_transitions(obj, *, user) -> list[dict]:
    """What `user` may fire on `obj` now, as the API lists it."""
    return [
        {
            "name": t.name,
            "target": services.target_of(obj, t, actor=user),
            "label": str(t.label),
            "labels": t.label.as_dict(),
            "reason_required": t.reason_required,
        }
        for t in services.transitions_available(obj, actor=user)
    ]


class WorkflowObjectSerializer(serializers.Serializer):
    """An object of a lifecycle that names no serializer of its own."""

    id = serializers.IntegerField(source="pk", read_only=True)
    state = serializers.SerializerMethodField()
    version = serializers.SerializerMethodField()
    available_transitions = serializers.SerializerMethodField()

    def _workflow(self, obj) -> Workflow:
        return definition.for_model(type(obj))

    def get_state(self, obj) -> str:
        return getattr(obj, self._workflow(obj).state_field)

    def get_version(self, obj) -> int:
        return getattr(obj, self._workflow(obj).version_field)

    @extend_schema_field(AVAILABLE_TRANSITIONS_SCHEMA)
    def get_available_transitions(self, obj) -> list[dict]:
        return available_transitions(obj, user=self.context["request"].user)


def serializer_of(workflow: Workflow) -> type:
    return resolve(workflow.serializer) if workflow.serializer else WorkflowObjectSerializer


def related_loaded(obj, related: tuple[str, ...]) -> bool:
    """Whether `obj` already holds its `related` rows (read with them, e.g. when locked)."""
    return all(obj._meta.get_field(name.split("__")[0]).is_cached(obj) for name in related)


def object_render(workflow: Workflow, obj, request) -> dict:
    """The object as the API shows it (with its related rows in one query, if declared and
    not already loaded)."""
    if workflow.related and not related_loaded(obj, workflow.related):
        obj = type(obj)._default_manager.select_related(*workflow.related).get(pk=obj.pk)
    return serializer_of(workflow)(obj, context={"request": request}).data


class TransitionRequestSerializer(serializers.Serializer):
    """The body of a transition: `reason` plus the transition's own payload."""

    reason = serializers.CharField(required=False, allow_blank=True, max_length=10000)


class _WorkflowView(APIView):
    workflow_name = ""

    @property
    def workflow(self) -> Workflow:
        return definition.get(self.workflow_name)


class TransitionView(_WorkflowView):
    def post(self, request, pk: int, name: str):
        workflow = self.workflow
        # The row is read once, locked and with what the response shows; the body is
        # judged after who may see it, as before.
        with transaction.atomic():
            obj = object_lock_visible(workflow, user=request.user, pk=pk)
            return self._perform(request, workflow, obj, name)

    def _perform(self, request, workflow: Workflow, obj, name: str):
        if not isinstance(request.data, dict):
            raise PayloadInvalid(
                Text(
                    "Isi permintaan harus berupa objek JSON.",
                    "The request body must be a JSON object.",
                )
            )
        payload = dict(request.data)
        reason_field = TransitionRequestSerializer(data={"reason": payload.pop("reason", "") or ""})
        if not reason_field.is_valid():
            raise PayloadInvalid(
                Text("Alasan tidak valid.", "The reason is invalid."),
                serializer_problems(reason_field.errors),
            )
        reason = reason_field.validated_data["reason"]
        key = request.headers.get("Idempotency-Key") or None
        if key is not None and len(key) > 255:
            raise PayloadInvalid(
                Text(
                    "Idempotency-Key terlalu panjang (maks. 255).",
                    "Idempotency-Key is too long (max 255).",
                )
            )
        outcome = services.perform(
            obj,
            name,
            actor=request.user,
            payload=payload,
            reason=reason,
            expected_version=expected_version(request),
            idempotency_key=key,
            render=lambda changed: object_render(workflow, changed, request),
            locked=True,
        )
        response = Response(outcome.response, status=status.HTTP_200_OK)
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
        return response


HISTORY_FORBIDDEN = Text(
    "Anda tidak berwenang membaca riwayat ini.", "You may not read this history."
)


HISTORY_CURSOR_MAX = 2**31 - 1  # seq is a PositiveIntegerField
NOT_A_CURSOR = Text(
    id="Kursor tidak valid: gunakan tautan next dari header Link.",
    en="Invalid cursor: follow the next link of the Link header.",
)


def history_cursor(request) -> int:
    """The seq after which the page starts (the `cursor` a Link header gave); 0: the first."""
    values = request.query_params.getlist("cursor")
    if not values:
        return 0
    raw = values[0]
    if len(values) > 1 or not re.fullmatch(r"[0-9]{1,10}", raw) or int(raw) > HISTORY_CURSOR_MAX:
        raise PayloadInvalid(
            NOT_A_CURSOR, [Problem(code="invalid_cursor", message=NOT_A_CURSOR, field="cursor")]
        )
    return int(raw)


def history_readable(workflow: Workflow, obj, user) -> bool:
    return bool(workflow.roles_of(obj, user) & workflow.history_readers)


class HistoryView(_WorkflowView):
    def get(self, request, pk: int):
        workflow = self.workflow
        obj = object_get_visible(workflow, user=request.user, pk=pk)
        if not history_readable(workflow, obj, request.user):
            raise ActionForbidden(HISTORY_FORBIDDEN)
        read_access_record(
            reader=request.user,
            subject=obj,
            purpose=f"{workflow.name}.history",
            scope=workflow.scope_of(obj) if workflow.scope_of else "",
        )
        events, after = audit_events_page(subject=obj, after=history_cursor(request))
        entries = HistoryEntrySerializer(events, many=True).data
        capacities = (
            resolve(workflow.history_capacity)(obj=obj, events=events)
            if workflow.history_capacity
            else {}
        )
        for entry in entries:
            entry["actor_capacity"] = capacities.get(entry["seq"])
        response = Response(entries)
        if after is not None:
            # api-contract.md: the body stays the array; the next page is named by Link.
            url = request.build_absolute_uri(request.path)
            response["Link"] = f'<{url}?cursor={after}>; rel="next"'
        return response


class HistoryEntrySerializer(AuditEventSerializer):
    """An event of one object's history, with the capacity its actor acted in."""

    actor_capacity = serializers.SerializerMethodField(
        help_text=(
            "The capacity in which the actor acted then, where the lifecycle states it "
            "(e.g. appraiser, plt_appraiser, employee, hr_admin, system); null otherwise."
        )
    )

    class Meta(AuditEventSerializer.Meta):
        fields = [*AuditEventSerializer.Meta.fields, "actor_capacity"]

    @extend_schema_field({"type": "string", "nullable": True})
    def get_actor_capacity(self, event) -> str | None:
        return None  # filled in by the view, which knows the whole chain


def views_for(workflow: Workflow) -> tuple[type, type]:
    """The transition and history views of one workflow, documented with its serializer."""
    noun = workflow.label.en
    transition = extend_schema(
        request=TransitionRequestSerializer,
        responses={200: serializer_of(workflow)},
        parameters=[
            OpenApiParameter(
                "If-Match",
                {"type": "string", "pattern": IF_MATCH_PATTERN},
                OpenApiParameter.HEADER,
                description='The version you last saw, e.g. "3".',
            ),
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Retry-safe key; the first response is replayed.",
            ),
        ],
        summary="Fire a lifecycle transition",
        description=f"{noun}: the object as after the change.",
    )(type(f"{workflow.name}TransitionView", (TransitionView,), {}))
    history = extend_schema(
        responses=HistoryEntrySerializer(many=True),
        parameters=[
            OpenApiParameter(
                "cursor",
                {"type": "integer", "minimum": 0, "maximum": HISTORY_CURSOR_MAX},
                OpenApiParameter.QUERY,
                description=(
                    "Where the page starts: take it from the previous page's "
                    '`Link: <...>; rel="next"` header (absent: the first page).'
                ),
            ),
            OpenApiParameter(
                "Link",
                str,
                OpenApiParameter.HEADER,
                response=[200],
                description=(
                    f'`<url?cursor=N>; rel="next"` while more events follow; pages hold '
                    f"{HISTORY_PAGE_SIZE} events, oldest first."
                ),
            ),
        ],
        summary="Every change, oldest first, hash-chained, in pages",
        description=(
            f"{noun}: its audit events, {HISTORY_PAGE_SIZE} a page; the next page is named "
            'by the `Link` header (rel="next") while there is one.'
        ),
    )(type(f"{workflow.name}HistoryView", (HistoryView,), {}))
    transition.workflow_name = history.workflow_name = workflow.name
    return transition, history
