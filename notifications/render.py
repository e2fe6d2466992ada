"""Texts in Indonesian and English from templates (notifications/templates/notifications/).

Each kind has one template per language with a `subject` and a `body` block;
appraisal transitions without their own template use the generic one. The
context is built from ids at delivery time, in the recipient's language.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import select_template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.html import linebreaks, urlize

from appraisals import clock
from appraisals.models import Appraisal, Employee
from appraisals.policies import is_system_user
from audit.models import AuditEvent
from workflow import definition

from .models import Message, OutboxEvent

PERIODIC_KEY = re.compile(r"periodic_evaluation\[(\d+)\]\.")
SYSTEM_NAME = {"id": "Sistem Kinerja", "en": "the Kinerja system"}


# Codes the messages name, in English (the models' choice labels are Indonesian).
ENGLISH = {
    "sangat_baik": "Outstanding",
    "baik": "Good",
    "butuh_perbaikan": "Needs improvement",
    "kurang": "Poor/Misconduct",
    "sangat_kurang": "Very poor",
    "award": "Award",
    "promotion": "Promotion",
    "development": "Competence development",
    "sanction": "Sanction",
    "none": "No follow-up",
    "upheld": "Result upheld",
    "revised": "Result revised",
}


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    html: str = ""


def site_url(path: str) -> str:
    """A page of the site as people open it: settings.KINERJA_SITE_URL + `path`."""
    return settings.KINERJA_SITE_URL.rstrip("/") + path


def _choice(instance, name: str, language: str) -> str:
    """A choice field's label: the model's (Indonesian) or its English name."""
    if instance is None:
        return ""
    code = getattr(instance, name)
    if language == "en" and code in ENGLISH:
        return ENGLISH[code]
    return getattr(instance, f"get_{name}_display")() if code else ""


def _html(body: str) -> str:
    """The e-mail's HTML part: the same text, its links clickable."""
    return (
        "<html><body>"
        + linebreaks(urlize(body, autoescape=True), autoescape=False)
        + "</body></html>"
    )


def _text(text, language: str) -> str:
    return text.en if language == "en" else text.id


def _when(value) -> dt.datetime | None:
    return parse_datetime(value) if isinstance(value, str) else value


def _due(value, unit=None) -> dict:
    """A due moment for people, in the agency's zone: its last day, and the time unless it
    is the day's end (the next midnight, or the last moment of the day)."""
    due_at = _when(value)
    tz = clock.agency_zone(unit)
    if due_at is None:
        return {"due_at": None, "due_day": None, "due_time": "", "due_zone": ""}
    local = due_at.astimezone(tz)
    end_of_day = local.time() in (dt.time.min, dt.time.max)
    return {
        "due_at": due_at,
        "due_day": (local - dt.timedelta(microseconds=1)).date() if end_of_day else local.date(),
        "due_time": "" if end_of_day else local.strftime("%H:%M"),
        "due_zone": clock.zone_abbreviation(tz),
    }


def person_name(user, language: str) -> str:
    if user is None:
        return ""
    if is_system_user(user):
        return SYSTEM_NAME[language]
    employee = Employee.objects.filter(user=user).values_list("name", flat=True).first()
    return employee or user.get_full_name() or user.get_username()


def _appraisal(subject_id) -> Appraisal:
    return Appraisal.objects.select_related("employee", "cycle", "unit", "appraiser").get(
        pk=subject_id
    )


def _state_label(state: str, language: str, name: str = "appraisal") -> str:
    workflow = definition.get(name)
    try:
        return _text(workflow.state(state).label, language)
    except StopIteration:
        return state


def _periodic_evaluation(appraisal: Appraisal, changes: dict):
    """The periodic evaluation an announced change rated (its period is in the change's keys)."""
    for key in changes:
        found = PERIODIC_KEY.match(key)
        if found:
            return appraisal.periodic_evaluations.filter(period=int(found[1])).first()
    return None


def _appraisal_context(event: OutboxEvent, language: str) -> dict:
    appraisal = _appraisal(event.subject_id)
    workflow = definition.get("appraisal")
    name = event.kind.split(".", 1)[1]
    transition = workflow.transition(name)
    label = _text(transition.label, language) if transition else name
    users = get_user_model().objects
    actor = users.filter(pk=event.actor_id).first() if event.actor_id else None
    reason, changes = "", {}
    if event.audit_event_id:
        found = AuditEvent.objects.filter(pk=event.audit_event_id).values_list("reason", "changes")
        reason, changes = found.first() or ("", {})
    data = event.data
    # What was decided: the follow-up (proposed, approved, rejected) and the appeal's outcome.
    decision = appraisal.decisions.order_by("-pk").first() if "decision" in name else None
    appeal = appraisal.appeals.order_by("-pk").first() if "appeal" in name else None
    return {
        "periodic": _periodic_evaluation(appraisal, changes or {}),
        "appraisal": appraisal,
        "predicate_label": _choice(appraisal, "predicate", language),
        "decision": decision,
        "decision_kind": _choice(decision, "kind", language),
        "appeal": appeal,
        "appeal_outcome": _choice(appeal, "outcome", language),
        "transition": name,
        "transition_label": label,
        "from_state_label": _state_label(data.get("from_state", ""), language),
        "to_state_label": _state_label(data.get("to_state", ""), language),
        "actor_name": person_name(actor, language),
        "by_system": actor is not None and is_system_user(actor),
        "reason": reason,
        "appeal_deadline": _when(data.get("appeal_deadline")),
        "link": reverse("workflow:appraisal", args=[appraisal.pk]),
    }


def _deadline_context(event: OutboxEvent, language: str) -> dict:
    appraisal = _appraisal(event.subject_id)
    data = event.data
    responsible = None
    if data.get("responsible_employee_id"):
        responsible = Employee.objects.filter(pk=data["responsible_employee_id"]).first()
    return {
        "appraisal": appraisal,
        "state_label": _state_label(data.get("state", ""), language),
        **_due(data.get("due_at"), appraisal.unit),
        "days_before": data.get("days_before"),
        "responsible_role": data.get("responsible", ""),
        "responsible_name": responsible.name if responsible else "",
        "link": reverse("workflow:appraisal", args=[appraisal.pk]),
    }


def _digest_context(event: OutboxEvent, language: str) -> dict:
    items = event.data.get("items", [])
    appraisals = Appraisal.objects.select_related("employee", "unit").in_bulk(
        [item["appraisal_id"] for item in items]
    )
    rows = [
        {
            "appraisal": appraisals[item["appraisal_id"]],
            "state_label": _state_label(item["state"], language),
            "since": _when(item.get("since")),
            **_due(item.get("due_at"), appraisals[item["appraisal_id"]].unit),
        }
        for item in items
        if item["appraisal_id"] in appraisals
    ]
    return {
        "items": rows,
        "total": event.data.get("total", len(rows)),
        # The home page lists what waits for its reader ("what needs me now").
        "link": reverse("web:home"),
    }


def _workflow_context(event: OutboxEvent, language: str) -> dict:
    """Any other lifecycle's transition: what changed, by whom, why, and where to see it."""
    family, _dot, name = event.kind.partition(".")
    workflow = definition.get(family)
    subject = definition.model_of(family)._default_manager.get(pk=event.subject_id)
    transition = workflow.transition(name)
    actor = get_user_model().objects.filter(pk=event.actor_id).first() if event.actor_id else None
    reason = ""
    if event.audit_event_id:
        found = AuditEvent.objects.filter(pk=event.audit_event_id).values_list("reason")
        reason = (found.first() or ("",))[0]
    data = event.data
    link = reverse(f"workflow:{family}", args=[subject.pk]) if workflow.route else ""
    return {
        "subject": subject,
        "workflow_label": _text(workflow.label, language),
        "transition": name,
        "transition_label": _text(transition.label, language) if transition else name,
        "from_state_label": _state_label(data.get("from_state", ""), language, family),
        "to_state_label": _state_label(data.get("to_state", ""), language, family),
        "actor_name": person_name(actor, language),
        "by_system": actor is not None and is_system_user(actor),
        "reason": reason,
        "link": link,
    }


CONTEXT_BUILDERS = {
    "appraisal": _appraisal_context,
    "deadline": _deadline_context,
    "digest": _digest_context,
}


def message_render(message: Message) -> Rendered:
    """Subject and body of `message` in its language. Raises when it cannot be rendered."""
    event = message.event
    language = message.language if message.language in ("id", "en") else "id"
    family = event.kind.split(".", 1)[0]
    lifecycle = family not in CONTEXT_BUILDERS and definition.get(family) is not None
    build = _workflow_context if lifecycle else CONTEXT_BUILDERS[family]
    with translation.override(language):
        context = build(event, language)
        context.update(
            {
                "recipient_name": person_name(message.recipient, language),
                "base_url": settings.KINERJA_SITE_URL.rstrip("/"),
                "preferences_url": site_url(reverse("notifications-web:preferences")),
                "language": language,
            }
        )
        names = [f"notifications/{language}/{event.kind}.txt"]
        if family == "appraisal":
            names.append(f"notifications/{language}/appraisal.transition.txt")
        elif lifecycle:
            names.append(f"notifications/{language}/workflow.transition.txt")
        template = select_template(names)
        # Times read in the agency's zone (WIB, WITA or WIT), as its days are counted.
        appraisal = context.get("appraisal")
        tz = clock.agency_zone(appraisal.unit if isinstance(appraisal, Appraisal) else None)
        context["agency_zone"] = clock.zone_abbreviation(tz)
        # Links lead to pages (never the API), on the configured site.
        context["page_url"] = site_url(context["link"]) if context.get("link") else ""
        with timezone.override(tz):
            subject = " ".join(template.render({**context, "part": "subject"}).split())
            body = template.render({**context, "part": "body"}).strip() + "\n"
    return Rendered(subject=subject[:255], body=body, html=_html(body))
