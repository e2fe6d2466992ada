"""The import contracts in pyproject.toml hold, and each of them can fail.

`make test` runs `lint-imports`; these tests run it too (so a bare `pytest` notices a
forbidden import) and plant a forbidden import in a copy of the source to show that each
contract breaks on it rather than passing whatever the code does.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("appraisals", "workflow", "audit", "notifications", "settings")
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(cwd):
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def copy_sources(target):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns(
                "__pycache__", "static", "templates", "locale", "*.mo", "*.po"
            ),
        )
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")


def test_the_code_keeps_every_contract():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("planted_in", "line", "broken"),
    [
        (
            "workflow/planted.py",
            "import appraisals.models\n",
            ["Imports run one way", "Engine and audit import neither domain"],
        ),
        (
            "audit/planted.py",
            "from appraisals import policies\n",
            ["Imports run one way", "Engine and audit import neither domain"],
        ),
        (
            "audit/planted.py",
            "from notifications import delivery\n",
            # notifications imports the engine, so audit would import it indirectly too
            ["Imports run one way", "Engine and audit import neither domain"],
        ),
        ("audit/planted.py", "import workflow.services\n", ["Imports run one way"]),
        (
            "appraisals/services/planted.py",
            "from appraisals.api import views\n",
            ["Pages and API are transports"],
        ),
        (
            "appraisals/selectors_planted.py",
            "import appraisals.web.views\n",
            [],  # a module no contract names: the import is allowed
        ),
        ("appraisals/policies.py", "from appraisals.web import views\n", ["Pages and API"]),
    ],
)
def test_a_planted_import_breaks_its_contract(tmp_path, planted_in, line, broken):
    copy_sources(tmp_path)
    planted = tmp_path / planted_in
    planted.write_text((planted.read_text() if planted.exists() else "") + line)

    result = lint_imports(tmp_path)

    output = result.stdout + result.stderr
    broken_lines = [row for row in output.splitlines() if row.endswith("BROKEN")]
    for contract in broken:
        assert any(contract in row for row in broken_lines), output
    assert len(broken_lines) == len(broken), output
    assert result.returncode == (1 if broken else 0), output
