"""Live records against the heads of their chains.

The audit app knows no domain model: a subject type is "app_label.modelname",
looked up in the apps registry. Models with a `state` and a `version` field are
checked (the head's to_state is the live state; the last version the chain
recorded is the live version); others are skipped.
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from .chains import NO_VERSION, Head
from .report import Report

CHUNK = 5000


def stateful_model(subject_type: str):
    try:
        model = apps.get_model(subject_type)
    except (LookupError, ValueError):
        return None
    try:
        model._meta.get_field("state")
        model._meta.get_field("version")
    except FieldDoesNotExist:
        return None
    return model


def stateful_types(subject_types) -> frozenset[str]:
    return frozenset(t for t in subject_types if stateful_model(t) is not None)


def _live_rows(model):
    qs = model._base_manager.order_by("pk").values_list("pk", "state", "version")
    return qs.iterator(chunk_size=CHUNK)


def check_head(subject: str, state, version, head: Head, report: Report) -> None:
    """One live record's state and version against its chain's head."""
    where = {"subject": subject, "seq": head.seq, "event_id": head.event_id}
    if state != head.to_state:
        report.add("record_disagrees", **where, field="state", record=state, chain=head.to_state)
    if head.version is not NO_VERSION and version != head.version:
        report.add("record_disagrees", **where, field="version", record=version, chain=head.version)


def check_records(heads: dict[str, dict[str, Head]], report: Report) -> None:
    for subject_type, by_id in heads.items():
        model = stateful_model(subject_type)
        if model is None:
            continue
        left = dict(by_id)
        for pk, state, version in _live_rows(model):
            head = left.pop(str(pk), None)
            subject = f"{subject_type}:{pk}"
            if head is None:
                report.add("chain_missing", subject=subject, seq=1)
                continue
            check_head(subject, state, version, head, report)
        for subject_id, head in left.items():
            report.add(
                "record_missing",
                subject=f"{subject_type}:{subject_id}",
                seq=head.seq,
                event_id=head.event_id,
            )
