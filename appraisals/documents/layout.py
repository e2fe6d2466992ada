"""The page: A4, the embedded font, styles, tables, and every page's footer.

Determinism is the point of this module. reportlab's `invariant` mode leaves out
its random file id and its clock; the creation date is then set here from the
record (`Stamp.at`, or the appraisal's last change for a draft), so the same
record in the same state gives the same bytes and the SHA-256 names the
document. Nothing here reads the clock, the environment (reportlab's own
SOURCE_DATE_EPOCH is overridden) or a system font.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from functools import lru_cache, partial
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "KinerjaSans", "KinerjaSans-Bold"
MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
QR_SIZE = 22 * mm
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def _register_fonts() -> None:
    # DejaVu Sans, vendored with its licence (fonts/LICENSE): Latin with diacritics,
    # apostrophes and the rest of what Indonesian names carry, embedded as a subset.
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(
        REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD
    )


_register_fonts()

STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=12, leading=15, alignment=TA_CENTER),
    "subtitle": ParagraphStyle(
        "subtitle", fontName=REGULAR, fontSize=9, leading=12, alignment=TA_CENTER
    ),
    "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=10, leading=13, spaceBefore=8, spaceAfter=4),
    "body": ParagraphStyle("body", fontName=REGULAR, fontSize=8.5, leading=11),
    "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=8, leading=10),
    "head": ParagraphStyle("head", fontName=BOLD, fontSize=8, leading=10, alignment=TA_CENTER),
    "sign": ParagraphStyle("sign", fontName=REGULAR, fontSize=8.5, leading=11, alignment=TA_CENTER),
}


@dataclass(frozen=True)
class Stamp:
    """What makes a rendering an issued document: its code, when, and the appraisal's state."""

    code: str
    at: dt.datetime
    state_label: str
    version: int
    verify_url: str


def date_id(value: dt.date | dt.datetime | None) -> str:
    """3 Desember 2026 (the agency's zone for a time)."""
    if value is None:
        return "-"
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date()
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def datetime_id(value: dt.datetime | None) -> str:
    if value is None:
        return "-"
    local = timezone.localtime(value)
    return f"{date_id(local)} {local:%H:%M} {local.tzname()}"


def para(text, style: str = "cell") -> Paragraph:
    """Wrapped text; what the record holds is escaped, line breaks kept."""
    safe = escape(str(text if text not in (None, "") else "-")).replace("\n", "<br/>")
    return Paragraph(safe, STYLES[style])


def bold(text, style: str = "cell") -> Paragraph:
    return Paragraph(f"<b>{escape(str(text))}</b>", STYLES[style])


def table(header: list[str], rows: list[list], widths: list[float]) -> Table:
    """A bordered table whose header row repeats on every page it runs onto."""
    data = [[Paragraph(escape(h), STYLES["head"]) for h in header]]
    data += [[c if isinstance(c, Paragraph) else para(c) for c in row] for row in rows]
    t = Table(data, colWidths=[w * WIDTH for w in widths], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t


def key_values(rows: list[tuple[str, object]], widths=(0.3, 0.7)) -> Table:
    t = Table(
        [[bold(k), para(v)] for k, v in rows], colWidths=[w * WIDTH for w in widths], repeatRows=0
    )
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return t


def spacer(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)


class _Canvas(pdfcanvas.Canvas):
    """Pages held until the end, so each can say "Halaman X dari Y" and carry the footer."""

    def __init__(self, *args, at: dt.datetime, header: str, stamp: Stamp | None, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []
        self._header = header
        self._stamp = stamp
        _fix_timestamp(self, at)

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._furnish(number, total)
            super().showPage()
        super().save()

    def _furnish(self, number: int, total: int) -> None:
        width, height = A4
        self.setFont(REGULAR, 7)
        self.setFillColor(colors.HexColor("#555555"))
        self.drawString(MARGIN, height - 9 * mm, self._header)
        self.drawRightString(width - MARGIN, height - 9 * mm, f"Halaman {number} dari {total}")
        self.setFillColor(colors.black)
        if self._stamp is None:
            self.setFont(BOLD, 8)
            self.drawString(MARGIN, 10 * mm, "DRAF — belum diterbitkan; tidak dapat diverifikasi.")
            return
        stamp = self._stamp
        _draw_qr(self, stamp.verify_url, width - MARGIN - QR_SIZE, 5 * mm)
        self.setFont(BOLD, 8)
        self.drawString(MARGIN, 20 * mm, f"Kode verifikasi: {stamp.code}")
        self.setFont(REGULAR, 7)
        self.drawString(
            MARGIN,
            16 * mm,
            f"Diterbitkan Kinerja {datetime_id(stamp.at)} · status: {stamp.state_label} · "
            f"versi {stamp.version}",
        )
        self.drawString(MARGIN, 12 * mm, f"Periksa keaslian dokumen ini: {stamp.verify_url}")


@lru_cache(maxsize=64)
def _qr_modules(value: str) -> tuple[tuple[float, float, float, float], ...]:
    """The QR code's dark modules as (x, y, width, height) in QR_SIZE units from its lower
    left corner: encoded once per value (a document draws it on every page)."""
    shapes = QrCodeWidget(value, barLevel="M").draw()
    left, bottom, right, _top = shapes.getBounds()
    scale = QR_SIZE / (right - left)
    return tuple(
        (
            (shape.x - left) * scale,
            (shape.y - bottom) * scale,
            shape.width * scale,
            shape.height * scale,
        )
        for shape in shapes.contents
        if shape.fillColor is not None  # not the quiet zone's frame
    )


def _draw_qr(canvas, value: str, x: float, y: float) -> None:
    """The QR code's modules as filled rectangles on the page itself (reportlab's renderer
    would add a Helvetica font resource the document does not embed)."""
    canvas.saveState()
    canvas.setFillColor(colors.black)
    for dx, dy, width, height in _qr_modules(value):
        canvas.rect(x + dx, y + dy, width, height, stroke=0, fill=1)
    canvas.restoreState()


def _fix_timestamp(canvas, at: dt.datetime) -> None:
    """The PDF's CreationDate/ModDate: the record's time, in UTC, instead of reportlab's."""
    stamp = canvas._doc._timeStamp
    seconds = int(at.timestamp())
    stamp.t = seconds
    stamp.lt = time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"


def build(story: list, *, title: str, header: str, at: dt.datetime, stamp: Stamp | None) -> bytes:
    """The PDF's bytes: `story` on A4, page header and footer on every page."""
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=14 * mm,
        bottomMargin=30 * mm,
        title=title,
        author="Kinerja",
        creator="Kinerja",
        producer="Kinerja (ReportLab)",
        subject=header,
        invariant=1,
        # Every page starts in the embedded font: no reference to a font the reader supplies.
        initialFontName=REGULAR,
    )
    doc.build(
        story,
        canvasmaker=partial(_Canvas, at=at, header=header, stamp=stamp),
    )
    return out.getvalue()
