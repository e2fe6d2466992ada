"""Every import in the domain sits at the top of its file (issue 12).

An import inside a function hides a cycle between modules; where one must stay
(a sizeable library only one path needs), a comment right above it says why.
"""

import ast
from pathlib import Path

import appraisals

ROOT = Path(appraisals.__file__).parent


def hidden_imports(source: str) -> list[int]:
    """Lines of imports inside a function or class body with no comment saying why."""
    lines = source.splitlines()
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for inner in ast.walk(node):
            if not isinstance(inner, ast.Import | ast.ImportFrom):
                continue
            line = inner.lineno
            above = lines[line - 2].strip() if line >= 2 else ""
            if "#" not in lines[line - 1] and not above.startswith("#"):
                found.append(line)
    return sorted(set(found))


def test_no_import_inside_a_function_without_a_reason():
    offenders = [
        f"{path.relative_to(ROOT.parent)}:{line}"
        for path in sorted(ROOT.rglob("*.py"))
        for line in hidden_imports(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_scan_sees_a_hidden_import_and_accepts_a_reasoned_one():
    source = (
        "import os\n"
        "def f():\n"
        "    from .models import Appraisal\n"
        "def g():\n"
        "    # Only XLSX files need it.\n"
        "    import openpyxl\n"
        "class C:\n"
        "    def m(self):\n"
        "        import json\n"
    )
    assert hidden_imports(source) == [3, 9]
