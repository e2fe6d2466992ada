"""First pages as PNG (pdftoppm, from poppler-utils), saved with the CI screenshots."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

PDFTOPPM = shutil.which("pdftoppm")


def needs_pdftoppm() -> None:
    """Skip without pdftoppm locally; on CI (.ci/run installs poppler-utils) fail instead."""
    if PDFTOPPM:
        return
    message = "pdftoppm is needed to render the documents (apt-get install poppler-utils)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def first_page_png(data: bytes, out: Path, *, dpi: int = 80) -> Path:
    """Render page 1 of the PDF `data` to `out` (a .png path)."""
    needs_pdftoppm()
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(data)
        subprocess.run(  # noqa: S603 - our own file, a fixed program
            [
                PDFTOPPM,
                "-png",
                "-r",
                str(dpi),
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                source,
                out.with_suffix(""),
            ],
            check=True,
            timeout=60,
        )
    return out
