"""The documents on the pages: PDF downloads from the appraisal page, and the public
verification page (no sign-in; throttled per client address like its API)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods

from ..api.documents import document_filename, pdf_response
from ..models import IssuedDocument
from ..selectors.documents import (
    STATE_LABELS,
    document_pdf_of,
    document_verify_bytes,
    document_verify_code,
)
from ..selectors.periods import periodic_evaluation_of
from ..throttling import VerifyThrottle
from .views import opened, visible_or_404

KIND = IssuedDocument.Kind
KINDS = {"skp": KIND.SKP, "evaluation": KIND.EVALUATION}


@login_required
def document_pdf(request, pk: int, kind: str):
    appraisal = visible_or_404(request.user, pk)
    opened(request, appraisal, f"web.document.{kind}")
    data, document = document_pdf_of(appraisal=appraisal, kind=KINDS[kind])
    return pdf_response(
        data, filename=document_filename(appraisal, kind, document), document=document
    )


@login_required
def document_period_pdf(request, pk: int, period: int):
    """A rated period's Dokumen Evaluasi Kinerja (404: a period not rated or not in the cycle)."""
    appraisal = visible_or_404(request.user, pk)
    if periodic_evaluation_of(appraisal=appraisal, period=period) is None:
        raise Http404
    opened(request, appraisal, f"web.document.evaluation.{period}")
    kind = KIND.EVALUATION
    data, document = document_pdf_of(appraisal=appraisal, kind=kind, period=period)
    return pdf_response(
        data, filename=document_filename(appraisal, kind, document, period), document=document
    )


@require_http_methods(["GET", "POST"])
def verify(request):
    """Anyone: type the code or upload the PDF; learn whether Kinerja issued it, when, in
    which state of the appraisal, and whether it was superseded. Nothing else."""
    code = request.GET.get("kode", "").replace("\x00", "").strip()[:20]
    context = {"code": code, "result": None, "error": "", "max_bytes": _max_bytes()}
    if (request.method == "POST" or code) and not VerifyThrottle().allow_request(request, None):
        context["error"] = "throttled"
        return render(request, "web/verify.html", context, status=429)
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            context["error"] = "no_file"
            return render(request, "web/verify.html", context, status=400)
        if upload.size > _max_bytes():
            context["error"] = "too_large"
            return render(request, "web/verify.html", context, status=400)
        context["result"] = document_verify_bytes(data=upload.read())
        context["by_file"] = True
    elif code:
        context["result"] = document_verify_code(code=code)
    if context["result"] is not None:
        context["state_label"] = STATE_LABELS.get(context["result"].appraisal_state, "")
        # The report is JSON-ready (ISO times); the page shows them as the issue time is shown.
        context["signatures"] = [
            {**s, "signed_at": parse_datetime(s["signed_at"]) if s.get("signed_at") else None}
            for s in context["result"].signatures or []
        ]
    return render(request, "web/verify.html", context)


def _max_bytes() -> int:
    return settings.KINERJA_DOCUMENT_VERIFY_MAX_BYTES
