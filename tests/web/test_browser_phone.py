"""Phones and desktops: every main page of every role, laid out at 390 px (a phone) and at
1280 px, is measured in the browser: nothing scrolls sideways, and no word that would fit on a
line of the page is broken across two lines (the "Pe ga wai" of a squeezed table column, a
button label split mid-word). Screenshots of the phone pages land in ci-artifacts/screenshots/.
"""

from __future__ import annotations

import pytest

from .page_tour import MARKUP_ONLY, build, signed_in, visit

pytestmark = [pytest.mark.browser, MARKUP_ONLY]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# How a word is found broken, in the browser, as laid out:
# - Every visible text node under <main> and the site menu is cut into words: runs of characters
#   between spaces. A hyphen, a dash or a slash ends a word too ("Pemuda-Olahraga",
#   "800/12/BKPSDM"), since a line may break after it by the rules of typography.
# - For each word, a DOM Range over exactly its characters gives getClientRects(): one rectangle
#   per line box the word lies on. Two rectangles whose tops differ by more than half a line
#   height mean the word was split over two lines, whatever made it so (`overflow-wrap:
#   anywhere`, `word-break`, a column squeezed to one letter's width).
# - A split is a fault only if the word would have fitted on one line: its width (the sum of its
#   rectangles) is at most the room it had. A table cell, a button, a badge or a menu entry sizes
#   itself to its content, so a squeezed one is the fault: its room is the content width of
#   <main>. Any other text flows in a block whose width the layout fixed (a list item in a side
#   column): its room is that block's content width. A 64-character hash on a phone has to break;
#   "Pegawai" never does. Text styled `word-break: break-all` is broken on purpose and left out.
# The page itself must not scroll sideways (the root's scrollWidth fits its clientWidth); no box
# inside <main> may hide a sideways scroll either (a table in an overflow-x box would pass the
# first test and still make the reader scroll); no control, cell or heading may stick out of the
# window (a box that clips its overflow hides it from both scroll measures), and no button, cell
# or badge may be narrower than its own text (a squeezed button whose label runs over its edge).
MEASURE = """
() => {
  const main = document.querySelector("main");
  const inner = (el) => {
    const s = getComputedStyle(el);
    return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
  };
  const room = inner(main);
  const sizedByContent = "th, td, button, [role=button], .badge, header.site nav a, summary";
  const roomOf = (el) => {
    if (el.closest(sizedByContent)) return room;
    for (let box = el; box && box !== main; box = box.parentElement) {
      const display = getComputedStyle(box).display;
      if (!display.startsWith("inline") && display !== "contents") return inner(box);
    }
    return room;
  };
  // Text for screen readers only (clipped away: a stacked table's header row) is not laid out
  // for the eye and is left out of every measure.
  const unseen = (el) => {
    for (let box = el; box && box !== main; box = box.parentElement) {
      if (getComputedStyle(box).clipPath !== "none") return true;
    }
    return false;
  };
  const broken = [];
  const roots = [main, document.querySelector("header.site")].filter(Boolean);
  const skip = new Set(["SCRIPT", "STYLE", "TEMPLATE", "OPTION", "TEXTAREA", "NOSCRIPT"]);
  const where = (el) => {
    const cell = el.closest("th, td, button, a, label, li, h1, h2, h3, p, dt, dd") || el;
    const id = cell.id ? "#" + cell.id : "";
    return cell.tagName.toLowerCase() + id + ": " + cell.textContent.trim().slice(0, 60);
  };
  for (const root of roots) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || skip.has(parent.tagName) || !parent.getClientRects().length) continue;
      if (unseen(parent)) continue;
      if (getComputedStyle(parent).wordBreak === "break-all") continue;
      const words = /[^\\s\\-\\/\\u2010-\\u2014]+[\\-\\/\\u2010-\\u2014]?/g;
      for (let m = words.exec(node.data); m; m = words.exec(node.data)) {
        if (m[0].length < 2) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
        if (rects.length < 2) continue;
        const tops = rects.map((r) => r.top);
        const lineHeight = Math.min(...rects.map((r) => r.height));
        if (Math.max(...tops) - Math.min(...tops) <= lineHeight / 2) continue;
        const width = rects.reduce((sum, r) => sum + r.width, 0);
        if (width <= roomOf(parent)) broken.push(`${JSON.stringify(m[0])} in ${where(parent)}`);
      }
    }
  }
  const scrollers = [];
  for (const el of main.querySelectorAll("*")) {
    const overflowX = getComputedStyle(el).overflowX;
    if ((overflowX === "auto" || overflowX === "scroll") && el.scrollWidth > el.clientWidth + 1) {
      scrollers.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""));
    }
  }
  const spill = [];
  for (const el of main.querySelectorAll("button, [role=button], th, td, .badge")) {
    if (!el.getClientRects().length || unseen(el)) continue;
    if (el.scrollWidth > el.clientWidth + 1) spill.push(where(el));
  }
  const root = document.documentElement;
  const cut = [];
  for (const el of main.querySelectorAll("a, button, input, select, textarea, th, td, h1, h2")) {
    const box = el.getBoundingClientRect();
    if (!box.width || unseen(el)) continue;
    if (box.right > root.clientWidth + 1 || box.left < -1) cut.push(where(el));
  }
  return {overflow: root.scrollWidth - root.clientWidth, broken, scrollers, cut, spill};
}
"""


def problems_at(page, where: str) -> list[str]:
    found = page.evaluate(MEASURE)
    problems = [f"{where}: broken word {word}" for word in found["broken"]]
    if found["overflow"] > 0:
        problems.append(f"{where}: the page scrolls sideways by {found['overflow']} px")
    problems += [f"{where}: {box} scrolls sideways inside the page" for box in found["scrollers"]]
    problems += [f"{where}: {element} sticks out of the window" for element in found["cut"]]
    problems += [f"{where}: the text of {element} spills out of it" for element in found["spill"]]
    return problems


@pytest.mark.django_db(transaction=True)
def test_main_pages_read_on_a_phone_and_on_a_desktop(org, appraisal, chromium, live_server):
    tour = build(org, appraisal)
    problems, checked = [], 0
    for persona, pages in tour.pages.items():
        with signed_in(chromium, live_server.url, tour.users[persona], viewport=PHONE) as b:
            for label, path, *steps in pages:
                visit(b, path, *steps)
                problems += problems_at(b.page, f"390 px {label} ({path})")
                b.shot(f"phone-{label}")
                b.page.set_viewport_size(DESKTOP)
                problems += problems_at(b.page, f"1280 px {label} ({path})")
                b.page.set_viewport_size(PHONE)
                checked += 1
    assert checked == tour.count()
    assert not problems, "\n".join(problems)


# The measures on pages made to fail them, and on the same content laid out well.
SQUEEZED = """
<main style="width: 358px; margin: 0 16px">
  <table><tr><th style="width: 1px; overflow-wrap: anywhere">Pegawai</th><td>Sri Rahayu</td></tr>
  </table>
  <p style="overflow-wrap: anywhere">
    5974ffc842b0811edb799c08185f3b2ff2393132563cca5ecc1c710a87f1b9e7</p>
  <div style="width: 90px; overflow-wrap: anywhere"><span>Rahayuningsih</span></div>
  <div style="overflow-x: auto"><p style="width: 600px">Tabel yang menggulir ke samping</p></div>
  <div style="overflow: hidden"><button style="margin-left: 360px">Simpan</button></div>
  <button style="width: 40px; padding: 0 2rem; white-space: nowrap">Saring</button>
  <p style="width: 500px">Halaman yang lebih lebar dari layar</p>
</main>
"""
WELL_LAID = """
<main style="width: 358px; margin: 0 16px">
  <table><tr><th>Pegawai</th><td>Sri Rahayu</td></tr></table>
  <p style="overflow-wrap: anywhere">
    5974ffc842b0811edb799c08185f3b2ff2393132563cca5ecc1c710a87f1b9e7</p>
  <div style="width: 90px; overflow-wrap: anywhere"><span>Rahayuningsih</span></div>
  <p>Tabel yang tidak menggulir ke samping</p>
  <button>Simpan</button> <button>Saring</button>
</main>
"""


def test_the_measures_see_what_they_look_for(chromium):
    context = chromium.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.set_content(SQUEEZED)
        found = page.evaluate(MEASURE)
        # The squeezed header is broken; the hash, wider than the page, has to be, and so has the
        # name wider than its 90 px block.
        assert found["broken"] == ['"Pegawai" in th: Pegawai']
        assert found["overflow"] > 0
        assert found["scrollers"] == ["div"]
        assert found["cut"] == ["button: Simpan"]
        assert found["spill"] == ["button: Saring"]
        page.set_content(WELL_LAID)
        assert problems_at(page, "well laid") == []
    finally:
        context.close()
