"""The HR administrator's organisation import: a dry run first, then the same file applied.

Parsing, checking and writing are `appraisals.imports`' (as for the
`import_organisation` command); this page only carries the file between the
two steps. The uploaded bytes are kept under MEDIA_ROOT/imports with a random
name held in the user's session, together with their SHA-256: the apply step
accepts only the token of this session's own dry run and only the unchanged
bytes, so no one can apply a file they did not check, nor reach another
user's. The apply step checks everything again inside its transaction, so a
change made between the two steps is reported, not written over.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from workflow.errors import WorkflowError
from workflow.text import Text
from workflow.web.errors import PageErrors, whole_number

from .. import imports
from ..imports.columns import DESCRIPTIONS, LABELS, REQUIRED
from ..imports.uploads import upload_path, uploads_sweep
from ..selectors.cycles import cycle_list_awaiting_appraisals
from ..services.import_jobs import (
    import_is_large,
    organisation_import_job_apply,
    organisation_import_job_start,
)
from .hr import hr_scopes

SESSION_KEY = "hr_import"
# A report lists this many problems; the command's --errors-out gives them all.
ERRORS_SHOWN = 500
# An employee's changed fields as the report names them (imports.plan.PERSON_FIELDS).
FIELD_LABELS = {
    "name": Text("nama", "name"),
    "unit": Text("unit", "unit"),
    "position": Text("jabatan", "position"),
    "grade": Text("golongan", "rank"),
    "kind": Text("status kepegawaian", "employment"),
    "active": Text("status aktif", "active status"),
    "supervisor": Text("atasan", "supervisor"),
}
TEMPLATE_NAME = "templat-impor-organisasi.csv"


def import_columns() -> list[dict]:
    """The file's columns for the page: header, required or not, what it holds, an example."""
    return [
        {
            "header": header,
            "required": key in REQUIRED,
            "description": DESCRIPTIONS[key][0],
            "example": DESCRIPTIONS[key][1],
        }
        for key, header in LABELS.items()
    ]


def report_context(request, report) -> dict:
    """What the import page and an import job's page show beside a report."""
    if report is None:
        return {}
    people = [
        (person, ", ".join(str(FIELD_LABELS[f]) for f in person.fields if f in FIELD_LABELS))
        for person in report.people
    ]
    context = {
        "people": people,
        "hidden_people": max(report.people_total - len(report.people), 0),
    }
    if report.committed:
        # Appraisals are made when a cycle opens: those who joined since have none yet.
        context["awaiting"] = cycle_list_awaiting_appraisals(user=request.user)
    return context


@login_required
def import_template(request):
    """The CSV template: the header row as the import reads it (UTF-8, ';' as Excel saves)."""
    hr_scopes(request.user)
    response = HttpResponse(
        "\ufeff" + ";".join(LABELS.values()) + "\r\n", content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_NAME}"'
    return response


def _file_of(token: str) -> Path:
    return upload_path(token)


def forget_pending(request) -> None:
    """Drop this session's waiting file (after apply, and when the user signs out)."""
    pending = request.session.pop(SESSION_KEY, None)
    if pending:
        _file_of(pending["token"]).unlink(missing_ok=True)


def _effective_date(raw: str, errors: PageErrors) -> dt.date | None:
    if not raw:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.add(_("Enter a date as YYYY-MM-DD."), "effective_date")
        return None


def _run(request, *, data: bytes, name: str, on: dt.date, commit: bool, errors: PageErrors):
    try:
        source = imports.source_from_bytes(data=data, name=name)
    except imports.ImportFileError as error:
        errors.add(error.message, "file")
        return None
    return imports.organisation_import(
        rows_source=source, actor=request.user, commit=commit, effective_date=on
    )


def _check(request, errors: PageErrors):
    """(report, token) of a dry run done here, or a redirect to the job a large file became."""
    upload = request.FILES.get("file")
    on = _effective_date(request.POST.get("effective_date", "").strip(), errors)
    if upload is None:
        errors.add(_("Choose a CSV or XLSX file."), "file")
    elif upload.size > settings.KINERJA_IMPORT_MAX_BYTES:
        errors.add(_("The file is larger than 20 MB."), "file")
    if errors:
        return None, None
    data = upload.read()
    try:
        imports.declared_size_check(data=data)
    except imports.ImportFileError as error:
        errors.add(error.message, "file")
        return None, None
    if import_is_large(data=data):
        # Minutes of work, not a request's: the worker checks it, the job page shows the
        # progress and then the same report, with the button to apply it.
        job = organisation_import_job_start(
            data=data, name=upload.name, effective_date=on, actor=request.user
        )
        return redirect("web:hr-job", pk=job.pk), None
    report = _run(request, data=data, name=upload.name, on=on, commit=False, errors=errors)
    if report is None or not report.ok or not report.changes:
        return report, None
    forget_pending(request)
    uploads_sweep()
    token = secrets.token_urlsafe(24)
    _file_of(token).write_bytes(data)
    request.session[SESSION_KEY] = {
        "token": token,
        "name": upload.name,
        "effective_date": on.isoformat(),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return report, token


def _apply_job(request, errors: PageErrors):
    job_id = whole_number(request.POST.get("job"))
    try:
        job = organisation_import_job_apply(job_id=job_id or 0, actor=request.user)
    except WorkflowError as error:
        errors.add(str(error.message))
        errors.status = error.status
        return None
    return redirect("web:hr-job", pk=job.pk)


def _apply(request, errors: PageErrors) -> imports.ImportReport | None:
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    data = None
    if pending and secrets.compare_digest(pending["token"], token):
        try:
            data = _file_of(token).read_bytes()
        except (OSError, ValueError):
            data = None
    if data is None or hashlib.sha256(data).hexdigest() != pending["sha256"]:
        errors.add(_("This check is no longer available; upload the file again."))
        errors.status = 409
        return None
    report = _run(
        request,
        data=data,
        name=pending["name"],
        on=dt.date.fromisoformat(pending["effective_date"]),
        commit=True,
        errors=errors,
    )
    # Applied or refused, the check is spent: a new attempt starts from the file.
    forget_pending(request)
    return report


@login_required
def organisation_import(request):
    hr_scopes(request.user)
    errors = PageErrors()
    report, token = None, None
    if request.method == "POST":
        if request.POST.get("action") == "apply" and "job" in request.POST:
            report = _apply_job(request, errors)
        elif request.POST.get("action") == "apply":
            report = _apply(request, errors)
        else:
            report, token = _check(request, errors)
        if isinstance(report, HttpResponseRedirect):
            return report
    status = (errors.status if errors.status != 200 else 400) if errors else 200
    if report is not None and not report.ok:
        status = 400
    return render(
        request,
        "web/hr_import.html",
        {
            "report": report,
            "token": token,
            "errors": errors,
            "problems": report.errors[:ERRORS_SHOWN] if report else [],
            "hidden_problems": max(len(report.errors) - ERRORS_SHOWN, 0) if report else 0,
            "effective_date": request.POST.get("effective_date", "")
            or timezone.localdate().isoformat(),
            "columns": import_columns(),
            **report_context(request, report),
        },
        status=status,
    )
