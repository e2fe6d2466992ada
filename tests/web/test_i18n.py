"""Indonesian by default, English on request: every label of the main pages changes.

Two checks against the catalogue: every string the UI marks for translation
has an Indonesian translation in the compiled catalogue (which matches its
.po source), and the main pages rendered in each language show none of the
other language's labels.
"""

from __future__ import annotations

import ast
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils.translation import templatize

from appraisals.lifecycle import APPRAISAL_WORKFLOW
from appraisals.web.labels import LABELS

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "appraisals" / "locale" / "id" / "LC_MESSAGES"
UI_TEMPLATES = [
    *(ROOT / "appraisals" / "templates").rglob("*.html"),
    *(ROOT / "notifications" / "templates" / "notifications" / "web").rglob("*.html"),
    *(ROOT / "workflow" / "templates").rglob("*.html"),
]
UI_PYTHON = [
    *(ROOT / "appraisals" / "web").glob("*.py"),
    ROOT / "notifications" / "web.py",
    *(ROOT / "workflow" / "web").glob("*.py"),
]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext"}


def po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr (the singular form for plurals) of a .po file."""
    entries: dict[str, str] = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?) (".*")$', line)
            if match:
                key = match.group(1)
                fields[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                fields[key] += ast.literal_eval(line)
        if fields.get("msgid"):
            entries[fields["msgid"]] = fields.get("msgstr", fields.get("msgstr[0]", ""))
    return entries


def marked_strings() -> set[str]:
    found: set[str] = set()
    for path in UI_TEMPLATES:
        source = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for literal in re.findall(r"""(?:n?gettext|pgettext)\((u?'(?:[^'\\]|\\.)*')""", source):
            found.add(ast.literal_eval(literal))
    for path in UI_PYTHON:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in GETTEXT
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return {s for s in found if s}


def test_compiled_catalogue_matches_its_source():
    with open(CATALOGUE / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    source = {k: v for k, v in po_entries(CATALOGUE / "django.po").items() if v}
    for msgid, msgstr in source.items():
        assert compiled.gettext(msgid) == msgstr, f"django.mo is stale for {msgid!r}: make messages"


def test_every_marked_string_has_an_indonesian_translation():
    entries = po_entries(CATALOGUE / "django.po")
    marked = marked_strings()
    assert len(marked) > 100  # the extraction itself works
    untranslated = sorted(m for m in marked if not entries.get(m))
    assert untranslated == [], "run `make messages` and translate these"


class VisibleText(HTMLParser):
    """Text a user reads: element text (not scripts or styles) and accessible labels."""

    def __init__(self):
        super().__init__()
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if name in {"aria-label", "title", "placeholder", "alt"} and value:
                self.chunks.append(value)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.chunks.append(" ".join(data.split()))


def visible(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.chunks


def _differ(pairs) -> list[tuple[str, str]]:
    # Strings the same in both languages ("Status", "NIP") say nothing either way.
    return [(i, e) for i, e in pairs if i.strip() != e.strip() and "%(" not in e]


def phrase_pairs() -> list[tuple[str, str]]:
    """(Indonesian, English) of the catalogue: sentences and labels of the pages."""
    return _differ((v, k) for k, v in po_entries(CATALOGUE / "django.po").items() if v)


def label_pairs() -> list[tuple[str, str]]:
    """(Indonesian, English) of the domain's labels: codes, states, transitions."""
    pairs = [(t.id, t.en) for t in LABELS.values()]
    pairs += [(s.label.id, s.label.en) for s in APPRAISAL_WORKFLOW.states]
    pairs += [(t.label.id, t.label.en) for t in APPRAISAL_WORKFLOW.transitions]
    return _differ(pairs)


def foreign_labels(chunks: list[str], phrases: set[str], labels: set[str]) -> list[str]:
    """The other language on a page: a label as a whole chunk, or a catalogue phrase inside one.

    Domain labels are matched whole only: users' own text may quote them
    ("Ekspektasi Berorientasi Pelayanan").
    """
    hits = []
    for chunk in chunks:
        parts = {p.strip() for p in re.split(r"[→·:()]", chunk)} | {chunk}
        for text in labels & parts:
            hits.append(f"{text!r} in {chunk!r}")
        for text in phrases:
            if chunk == text or (" " in text and len(text) > 8 and text in chunk):
                hits.append(f"{text!r} in {chunk!r}")
    return hits


@pytest.fixture
def main_pages(org, appraisal, at_state):
    # People have names, not role words: "Employee" as a name would read as an untranslated label.
    for n, user in enumerate(org.users.values()):
        user.first_name, user.last_name = f"Nama{n}", "Pengguna"
        user.save(update_fields=["first_name", "last_name"])
    at_state("self_assessed")
    pk = appraisal.pk
    return {
        "employee": [
            "/",
            "/appraisals/",
            f"/appraisals/{pk}/",
            "/profile/",
            "/notifications/",
            "/peer-feedback/",
        ],
        "appraiser": [
            "/",
            f"/appraisals/{pk}/",
            f"/appraisals/{pk}/do/submit_review/",
            f"/appraisals/{pk}/do/return_self_assessment/",
            f"/appraisals/{pk}/plan/",
            f"/appraisals/{pk}/expectations/",
            f"/appraisals/{pk}/check-ins/",
            "/lifecycle/",
        ],
        "inspector": ["/inspect/", "/inspect/reads/", f"/inspect/appraisals/{pk}/"],
        "hr_admin": ["/hr/cycles/", "/hr/units/", f"/hr/units/{org.dinas.pk}/", "/hr/import/"],
        None: ["/login/"],
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["id", "en"])
def test_main_pages_show_only_the_chosen_language(org, main_pages, language):
    other = 1 if language == "id" else 0  # the other language's side of each pair
    # A string that is right in the page's own language somewhere ("Unit" is the
    # Indonesian of "Units" and English too) cannot tell a missing translation.
    everything = [*phrase_pairs(), *label_pairs()]
    everything += [(v, k) for k, v in po_entries(CATALOGUE / "django.po").items() if v == k]
    own = {pair[1 - other] for pair in everything}
    phrases = {pair[other] for pair in phrase_pairs()} - own
    labels = {pair[other] for pair in label_pairs()} - own
    problems = []
    for persona, paths in main_pages.items():
        client = Client()
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        if persona:
            client.force_login(org.users[persona])
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (persona, path, response.status_code)
            html = response.content.decode()
            assert f'<html lang="{language}">' in html
            problems += [f"{path}: {hit}" for hit in foreign_labels(visible(html), phrases, labels)]
    assert problems == []
