"""Each document's first page as a PNG, kept with the CI screenshots (KINERJA_SCREENSHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from appraisals.models import IssuedDocument
from appraisals.selectors.documents import document_current_of

from .rendering import first_page_png

pytestmark = pytest.mark.django_db


def _folder(tmp_path: Path) -> Path:
    # Only a run that asks for screenshots keeps them; otherwise a throwaway folder.
    shots = os.environ.get("KINERJA_SCREENSHOTS")
    return Path(shots) if shots else tmp_path


@pytest.mark.parametrize("kind", list(IssuedDocument.Kind))
def test_first_page_renders(org, at_state, tmp_path, kind):
    appraisal = at_state("decided")
    document = document_current_of(appraisal=appraisal, kind=kind)
    png = first_page_png(bytes(document.content), _folder(tmp_path) / f"document-{kind}-page1.png")
    with Image.open(png) as image:
        assert image.width > 500 and image.height > image.width  # A4, portrait
        # Ink on the page: not a blank (white) rendering.
        assert ImageStat.Stat(image.convert("L")).mean[0] < 250
