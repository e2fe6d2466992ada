"""Signing on the pages (issue #15): the employee, the appraiser and (for an appeal) whoever
decided it sign the current issued document from the appraisal page's Dokumen section.

The page signs what Kinerja issued: the latest signed copy of the current issued document
(it carries the signatures made so far), else the issued original; the user uploads
nothing. A failure (wrong passphrase, service down) records nothing; the form stays for
another try.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from workflow.errors import PayloadInvalid, StateConflict, WorkflowError
from workflow.web.errors import PageErrors

from ..api.documents import document_filename, pdf_response
from ..selectors.documents import document_current_of, document_signed_latest_of
from ..signatures.backends import Credentials
from ..signatures.services import (
    KINDS,
    REGISTRY_KIND,
    ROLE_LABELS,
    document_sign,
    document_sign_check,
)
from .signing_offers import NOT_ISSUED_YET, current_documents, signed_roles, uses_bsre
from .views import opened, visible_or_404


@login_required
@require_http_methods(["GET", "POST"])
def document_sign_page(request, pk: int, kind: str):
    """Sign the current issued document of `kind` as the signer the user is."""
    appraisal = visible_or_404(request.user, pk)
    if kind not in KINDS:
        raise Http404
    opened(request, appraisal, f"web.document.sign.{kind}")
    registry_kind = REGISTRY_KIND[kind]
    try:
        # Who may sign (403 page), and whether the document may be signed now.
        role = document_sign_check(appraisal, kind=kind, actor=request.user)
        original, copy, pdf = current_documents(appraisal, registry_kind)
        if original is None:
            raise StateConflict(NOT_ISSUED_YET)
    except (PayloadInvalid, StateConflict) as error:
        return render(
            request,
            "web/sign_refused.html",
            {"a": appraisal, "errors": PageErrors.of(error)},
            status=error.status,
        )
    bsre = uses_bsre(appraisal)
    errors, nik = PageErrors(), ""
    if request.method == "POST":
        nik = request.POST.get("nik", "").replace("\x00", "").strip()[:32]
        credentials = Credentials(nik=nik, passphrase=request.POST.get("passphrase", "")[:256])
        try:
            document_sign(
                appraisal,
                kind=kind,
                pdf=pdf,
                actor=request.user,
                role=role,
                credentials=credentials if bsre else None,
            )
        except WorkflowError as error:
            errors = PageErrors.of(error)
        else:
            messages.success(
                request,
                _("Signed. Download the signed copy below; it verifies on the public page."),
            )
            return redirect("web:document-sign", pk=appraisal.pk, kind=kind)
        original, copy, pdf = current_documents(appraisal, registry_kind)
    done_roles = signed_roles(pdf)
    return render(
        request,
        "web/document_sign.html",
        {
            "a": appraisal,
            "kind": kind,
            "registry_kind": registry_kind,
            "label": KINDS[kind].label,
            "role_label": ROLE_LABELS[role],
            "original": original,
            "copy": copy,
            "signed_by": [ROLE_LABELS[r] for r in done_roles],
            "done": role in done_roles,
            "bsre": bsre,
            "nik": nik,
            "errors": errors,
        },
        status=errors.status if errors else 200,
    )


@login_required
def document_signed_pdf(request, pk: int, kind: str):
    """The latest signed copy of the current issued document (404 while none is signed)."""
    appraisal = visible_or_404(request.user, pk)
    original = document_current_of(appraisal=appraisal, kind=kind)
    copy = document_signed_latest_of(original=original) if original is not None else None
    if copy is None:
        raise Http404
    opened(request, appraisal, f"web.document.{kind}.signed")
    filename = document_filename(appraisal, kind, original).replace(".pdf", "-ttd.pdf")
    return pdf_response(bytes(copy.content), filename=filename, document=copy)
