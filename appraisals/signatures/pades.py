"""PAdES signatures with pyHanko: one signature field per signer, each an incremental update.

A document may arrive with its signature fields already placed (the
document builder draws the signature blocks and may name empty fields after
`FIELD_NAMES`); otherwise the field is created here, visible in the role's
slot at the foot of the last page, or invisible when the agency says so.
Earlier signatures stay intact: pyHanko appends a revision and never
rewrites the signed bytes.
"""

from __future__ import annotations

import io
import unicodedata

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError as HankoSigningError
from pyhanko.stamp import TextStampStyle

from workflow.text import Text

from .backends import SignRequest
from .errors import SigningConflict, SigningError
from .sync import outside_loop

# x1, y1, x2, y2 in points on an A4 page (595 x 842): three slots side by side at the foot.
SLOTS = {
    "employee": (40, 40, 210, 110),
    "appraiser": (213, 40, 383, 110),
    "appeal_reviewer": (386, 40, 556, 110),
    "authority": (386, 40, 556, 110),  # signs in the reviewer's stead, never beside them
}
NOT_A_PDF = Text(
    id="Berkas bukan PDF yang dapat dibaca.",
    en="The file is not a readable PDF.",
)


def field_taken(role_field: str) -> Text:
    return Text(
        id=f"Dokumen ini sudah ditandatangani pada kolom '{role_field}'.",
        en=f"This document is already signed in field '{role_field}'.",
    )


def writer_for(pdf: bytes) -> IncrementalPdfFileWriter:
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise SigningError(NOT_A_PDF) from exc


def filled_fields(pdf: bytes) -> set[str]:
    """Names of the signature fields of `pdf` that already hold a signature."""
    writer = writer_for(pdf)
    return {
        name
        for name, value, _ref in fields.enumerate_sig_fields(writer.prev, filled_status=True)
        if value is not None
    }


def stamp_text(request: SignRequest) -> str:
    # pyHanko's built-in font covers Latin-1 only (no fontTools here): the stamp shows the
    # name folded to ASCII; the signature dictionary's /Name keeps it exactly.
    folded = unicodedata.normalize("NFKD", request.signer_name)
    ascii_name = folded.encode("ascii", "ignore").decode("ascii")
    lines = [
        "Ditandatangani secara elektronik",
        ascii_name,
        f"NIP {request.signer_nip}" if request.signer_nip else "",
        "%(ts)s",
    ]
    return "\n".join(line.replace("%", "%%") if "%(ts)s" not in line else line for line in lines)


def sign(request: SignRequest, signer: signers.Signer, *, visible: bool = True) -> bytes:
    """`request.pdf` with one more PAdES-B-B signature by `signer` in the role's field."""
    name = request.field_name
    if name in filled_fields(request.pdf):
        raise SigningConflict(field_taken(name))
    writer = writer_for(request.pdf)
    existing = {n for n, _v, _r in fields.enumerate_sig_fields(writer.prev)}
    spec = None
    if name not in existing:
        spec = fields.SigFieldSpec(
            sig_field_name=name, on_page=-1, box=SLOTS[request.role] if visible else None
        )
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        name=request.signer_name,
        reason=request.reason,
        location=request.location or None,
    )
    style = TextStampStyle(stamp_text=stamp_text(request), timestamp_format="%Y-%m-%d %H:%M UTC")
    pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style, new_field_spec=spec)
    try:
        out = outside_loop(pdf_signer.sign_pdf, writer)
    except (HankoSigningError, PdfError, ValueError, KeyError) as exc:
        raise SigningError(
            Text(
                id=f"Dokumen tidak dapat ditandatangani: {exc}",
                en=f"The document could not be signed: {exc}",
            )
        ) from exc
    return out.getvalue()
