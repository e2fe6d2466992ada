"""The pages every lifecycle with a `route` gets: its object, each transition's form, its diagram.

`ObjectPages` draws them from the table: the buttons are the transitions open
to the user (a disabled one shows its unmet conditions), a transition's form
is generated from its payload serializer, the timeline is the audit chain.
A domain names a subclass in its table (`Workflow.pages`) to show more on the
object's page or to draw fields a flat form cannot; workflow.web.urls mounts
it under the workflow's route.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.selectors import audit_events_page
from audit.services import read_access_record

from .. import definition, services
from ..api.objects import history_readable, object_get_visible, object_lock_visible
from ..definition import ANY_STATE, Workflow
from ..errors import NotFound, VersionMismatch, WorkflowError
from ..hooks import resolve
from .errors import PageErrors
from .forms import TransitionForm
from .layout import lifecycle_layout


def timeline_cursor(request) -> int:
    """The seq after which a page's timeline starts (`?cursor=`, as the history API's)."""
    raw = request.GET.get("cursor", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else 0


def timeline_page(request, obj) -> dict:
    """One page of the object's timeline, oldest first, and the cursors around it.

    Kept on the request, so the page and what it shows beside the events (the
    capacities) read the same page once. A long history is read a page at a
    time, as the API reads it (audit.selectors.audit_events_page).
    """
    cached = getattr(request, "_kinerja_timeline", None)
    if cached is not None and cached[0] is obj:
        return cached[1]
    after = timeline_cursor(request)
    events, following = audit_events_page(subject=obj, after=after)
    page = {"events": events, "timeline_next": following, "timeline_after": after}
    request._kinerja_timeline = (obj, page)
    return page


def base_template() -> str:
    return getattr(settings, "WORKFLOW_PAGE_BASE", "base.html")


class ObjectPages:
    object_template = "workflow/object.html"
    transition_template = "workflow/transition.html"
    timeline_template = "workflow/_timeline.html"
    form_class = TransitionForm

    def __init__(self, workflow: Workflow) -> None:
        self.workflow = workflow

    # -- hooks a domain may override ------------------------------------------------

    def get_object(self, request, pk: int):
        try:
            return object_get_visible(self.workflow, user=request.user, pk=pk)
        except NotFound:
            raise Http404 from None

    def get_locked_object(self, request, pk: int):
        """The object for a transition: read once, its row locked in the caller's transaction."""
        try:
            return object_lock_visible(self.workflow, user=request.user, pk=pk)
        except NotFound:
            raise Http404 from None

    def record_read(self, request, obj, purpose: str) -> None:
        """Who opened what: every page that shows an object records it."""
        scope = self.workflow.scope_of(obj) if self.workflow.scope_of else ""
        read_access_record(reader=request.user, subject=obj, purpose=purpose, scope=scope)

    def object_context(self, request, obj) -> dict:
        return {}

    def transition_context(self, request, obj, transition) -> dict:
        return {}

    def object_url(self, obj) -> str:
        return reverse(f"workflow:{self.workflow.name}", args=[obj.pk])

    def transition_url(self, obj, name: str) -> str:
        return reverse(f"workflow:{self.workflow.name}-transition", args=[obj.pk, name])

    def object_read_purpose(self) -> str:
        return f"web.{self.workflow.name}"

    def transition_read_purpose(self) -> str:
        return f"web.{self.workflow.name}.transition"

    def not_open_message(self) -> str:
        return _("This action is not open to you in the current state.")

    def nothing_to_do_message(self) -> str:
        return _("Nothing for you to do here now.")

    def role_label(self, role: str) -> str:
        return role

    # -- what every lifecycle gets ----------------------------------------------------

    def actions(self, obj, user) -> list[dict]:
        return [
            {
                "name": t.name,
                "label": t.label,
                "unmet": [str(p.message) for p in unmet],
                # No form needed: a single button.
                "direct": t.payload is None and not t.reason_required,
                "url": self.transition_url(obj, t.name),
            }
            for t, unmet in services.transitions_open_to(obj, actor=user)
        ]

    def common_context(self, obj) -> dict:
        workflow = self.workflow
        states = {s.name: s.label for s in workflow.states}
        return {
            "obj": obj,
            "workflow": workflow,
            "states": states,
            "state": getattr(obj, workflow.state_field),
            "state_label": states[getattr(obj, workflow.state_field)],
            "version": getattr(obj, workflow.version_field),
            "object_url": self.object_url(obj),
            "base_template": base_template(),
            "timeline_template": self.timeline_template,
            "now": timezone.now(),
        }

    def object_page(self, request, pk: int):
        obj = self.get_object(request, pk)
        self.record_read(request, obj, self.object_read_purpose())
        readable = history_readable(self.workflow, obj, request.user)
        context = {
            **self.common_context(obj),
            "roles": self.workflow.roles_of(obj, request.user),
            **(timeline_page(request, obj) if readable else {"events": None}),
            "actions": self.actions(obj, request.user),
            "nothing_to_do": self.nothing_to_do_message(),
        }
        context.update(self.object_context(request, obj))
        return render(request, self.object_template, context)

    def form_for(self, request, t, obj) -> TransitionForm:
        """The transition's form, bound to what was posted (a domain may add its files)."""
        return self.form_class(t, obj, data=request.POST if request.method == "POST" else None)

    def transition_page(self, request, pk: int, name: str):
        """The form of one transition: its reason and payload, errors inline, input kept."""
        t = self.workflow.transition(name)
        if request.method == "POST" and t is not None:
            return self.transition_post(request, pk, t)
        obj = self.get_object(request, pk)
        if t is None:
            raise Http404
        form = self.form_for(request, t, obj)
        errors = PageErrors()
        open_now = {tt.name for tt, _unmet in services.transitions_open_to(obj, actor=request.user)}
        if t.name not in open_now:
            errors.add(self.not_open_message())
            errors.status = 403
        return self.transition_form(request, obj, t, form, errors)

    def transition_post(self, request, pk: int, t):
        """Fire `t`: the row read once, locked, for the checks and the change (issue #17)."""
        try:
            with transaction.atomic():
                obj = self.get_locked_object(request, pk)
                form = self.form_for(request, t, obj)
                services.perform(
                    obj,
                    t.name,
                    actor=request.user,
                    payload=form.payload(),
                    reason=form.reason(),
                    expected_version=form.version(),
                    locked=True,
                )
        except WorkflowError as error:
            # Rolled back: the form is drawn again on the object as it stands.
            obj = self.get_object(request, pk)
            form = self.form_for(request, t, obj)
            errors = PageErrors.of(error)
            form.with_errors(errors.fields)
            if isinstance(error, VersionMismatch):
                form.stale = True
            return self.transition_form(request, obj, t, form, errors)
        messages.success(request, _("Done: %(action)s.") % {"action": t.label})
        return redirect(self.object_url(obj))

    def transition_form(self, request, obj, t, form, errors):
        # Deciding beside the record: the history next to the form, for those who may read it
        # and may act here (a refusal shows the refusal only); each reading is recorded.
        events = None
        if errors.status != 403 and history_readable(self.workflow, obj, request.user):
            events = timeline_page(request, obj)["events"]
            self.record_read(request, obj, self.transition_read_purpose())
        context = {
            **self.common_context(obj),
            **(timeline_page(request, obj) if events is not None else {"events": None}),
            "t": t,
            "form": form,
            "errors": errors,
        }
        context.update(self.transition_context(request, obj, t))
        return render(
            request, self.transition_template, context, status=errors.status if errors else 200
        )


def pages_of(workflow: Workflow) -> ObjectPages:
    cls = resolve(workflow.pages) if workflow.pages else ObjectPages
    return cls(workflow)


def lifecycle_page(request, name: str):
    """A lifecycle drawn from its table, and the table itself."""
    workflow = definition.get(name)
    if workflow is None:
        raise Http404
    pages = pages_of(workflow)
    states = {s.name: s.label for s in workflow.states}
    transitions = [
        {
            "name": t.name,
            "label": t.label,
            "sources": [states.get(s, s) for s in t.source if s in states],
            "any_source": ANY_STATE in t.source,
            "target": states[t.target],
            "also_to": [states[s] for s in t.also_to],
            "roles": [pages.role_label(r) for r in sorted(t.roles)],
            "reason_required": t.reason_required,
            "conditions": [g.message for g in t.conditions],
        }
        for t in workflow.transitions
    ]
    return render(
        request,
        "workflow/lifecycle.html",
        {
            "workflow": workflow,
            "diagram": lifecycle_layout(workflow),
            "transitions": transitions,
            "base_template": base_template(),
        },
    )


lifecycle = login_required(lifecycle_page)
