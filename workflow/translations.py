"""A message rendered in one language, told in both.

DRF and Django render a field's problem ("This field is required.") in the language
active when the body is validated; the error shape carries both languages. The
other language is found in the translation catalogue (the message's msgid and its
Indonesian msgstr, placeholders such as `{max_length}` or `%(limit_value)d` matched
back to their values), or among the bilingual messages the domain raised as
validation errors (`remember`). A message found in neither stays as it came, in both.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from functools import lru_cache
from threading import Lock

from django.utils.translation import trans_real

from .text import Text

INDONESIAN = "id"
_PLACEHOLDER = re.compile(r"\{(\w+)\}|%\((\w+)\)[sdi]")
# Bilingual messages raised by the domain, keyed by each rendering; bounded.
_REMEMBERED: OrderedDict[str, Text] = OrderedDict()
_REMEMBERED_MAX = 2048
_MIN_LITERAL = 8
_lock = Lock()


def remember(text: Text) -> str:
    """Note a bilingual message about to be raised in one language; returns that rendering."""
    with _lock:
        for rendering in (text.id, text.en):
            _REMEMBERED[rendering] = text
            _REMEMBERED.move_to_end(rendering)
        while len(_REMEMBERED) > _REMEMBERED_MAX:
            _REMEMBERED.popitem(last=False)
    return str(text)


class _Template:
    """One catalogue entry with placeholders: matches a rendering, renders the other side."""

    def __init__(self, source: str, other: str):
        self.other = other
        self.names: list[str] = []
        pattern, at = [], 0
        for match in _PLACEHOLDER.finditer(source):
            pattern.append(re.escape(source[at : match.start()]))
            self.names.append(match.group(0))
            pattern.append(f"(?P<p{len(self.names) - 1}>.+?)")
            at = match.end()
        pattern.append(re.escape(source[at:]))
        self.regex = re.compile("".join(pattern), re.DOTALL)
        # How much of it is words, not placeholders: the most specific entry is tried first.
        self.literal = len(_PLACEHOLDER.sub("", source).strip())

    def translate(self, text: str) -> str | None:
        match = self.regex.fullmatch(text)
        if match is None:
            return None
        out = self.other
        for n, token in enumerate(self.names):
            out = out.replace(token, match.group(f"p{n}"))
        return None if _PLACEHOLDER.search(out) else out


@lru_cache(maxsize=1)
def _catalogue() -> tuple[dict, dict, list, list]:
    to_id: dict[str, str] = {}
    to_en: dict[str, str] = {}
    templates_en: list[_Template] = []
    templates_id: list[_Template] = []
    for msgid, msgstr in trans_real.translation(INDONESIAN)._catalog.items():
        if not isinstance(msgid, str) or not msgid or not isinstance(msgstr, str) or not msgstr:
            continue
        if _PLACEHOLDER.search(msgid):
            templates_en.append(_Template(msgid, msgstr))
            templates_id.append(_Template(msgstr, msgid))
        else:
            to_id.setdefault(msgid, msgstr)
            to_en.setdefault(msgstr, msgid)
    # An entry that is nearly all placeholders ("%(value)s") would match any message.
    templates_en = sorted((t for t in templates_en if t.literal >= _MIN_LITERAL), key=_specific)
    templates_id = sorted((t for t in templates_id if t.literal >= _MIN_LITERAL), key=_specific)
    return to_id, to_en, templates_en, templates_id


def _specific(template: _Template) -> int:
    return -template.literal


def _through(templates: list[_Template], text: str) -> str | None:
    for template in templates:
        found = template.translate(text)
        if found is not None:
            return found
    return None


def both_languages(message: str) -> Text:
    """`message` (in either language) as a Text with its Indonesian and its English."""
    message = str(message)
    known = _REMEMBERED.get(message)
    if known is not None:
        return known
    to_id, to_en, templates_en, templates_id = _catalogue()
    if message in to_id:
        return Text(id=to_id[message], en=message)
    if message in to_en:
        return Text(id=message, en=to_en[message])
    if (indonesian := _through(templates_en, message)) is not None:
        return Text(id=indonesian, en=message)
    if (english := _through(templates_id, message)) is not None:
        return Text(id=message, en=english)
    return Text(id=message, en=message)
