"""Accessibility: axe-core runs on every main page of every role, in Indonesian and in English;
no page may have a serious or critical violation.

axe-core is vendored for the tests only (tests/web/vendor/, with its licence and origin) and
injected into each page by Playwright; the application never serves it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .page_tour import MARKUP_ONLY, build, set_language, signed_in, visit

pytestmark = [pytest.mark.browser, MARKUP_ONLY]

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
BLOCKING = ("serious", "critical")
# axe's default rule set (WCAG 2.x A/AA and best practices). The passes are counted only to show
# axe really looked at the page (a script that failed to run would report no violation either).
RUN = """() => axe.run(document, {resultTypes: ['violations']})
  .then(r => ({violations: r.violations, passed: r.passes.length}))"""


def violations_on(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(RUN)
    assert result["passed"] >= 10, (page.url, result["passed"])
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(label: str, path: str, violation: dict) -> str:
    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    return (
        f"{label} ({path}): {violation['id']} [{violation['impact']}] "
        f"{violation['help']} -> {targets}{f' (+{more} more)' if more > 0 else ''}"
    )


@pytest.mark.django_db(transaction=True)
def test_main_pages_have_no_serious_or_critical_axe_violation(
    org, appraisal, chromium, live_server
):
    tour = build(org, appraisal)
    problems, checked = [], 0
    for persona, pages in tour.pages.items():
        user = tour.users[persona]
        with signed_in(chromium, live_server.url, user, bypass_csp=True) as b:
            for language in ("id", "en"):
                set_language(b, language)
                for label, path, *steps in pages:
                    visit(b, path, *steps)
                    assert b.page.get_attribute("html", "lang") == language, (persona, path)
                    where = f"[{language}] {label}"
                    problems += [describe(where, path, v) for v in violations_on(b.page)]
                    checked += 1
    assert checked == 2 * tour.count()
    assert not problems, "\n".join(problems)


def test_axe_finds_a_missing_label_and_faint_text(chromium):
    context = chromium.new_context()
    try:
        page = context.new_page()
        faulty = """<!doctype html><html lang="id"><title>Uji</title><main><h1>Uji</h1>
          <input id="nip" name="nip"><p style="color: #bbb; background: #fff">Teks pucat</p>
        </main></html>"""
        page.set_content(faulty)
        found = {v["id"]: [n["target"] for n in v["nodes"]] for v in violations_on(page)}
        assert found == {"label": [["#nip"]], "color-contrast": [["p"]]}
        page.set_content(
            faulty.replace(
                '<input id="nip"', '<label for="nip">NIP</label><input id="nip"'
            ).replace("#bbb", "#333")
        )
        assert violations_on(page) == []
    finally:
        context.close()
