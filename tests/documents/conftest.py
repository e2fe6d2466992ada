"""Helpers for the document tests: the text of a PDF, and pdftoppm."""

from __future__ import annotations

import io

from pypdf import PdfReader


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def text_of(data: bytes) -> str:
    """All pages' text, whitespace folded: a wrapped cell reads as one line."""
    return " ".join(" ".join(pages_text(data)).split())
