from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language


@dataclass(frozen=True)
class Text:
    """A message in Indonesian (first) and English.

    Declared beside the rule it explains, so a table entry carries its own
    wording; rendered in the request's language, Indonesian by default.
    """

    id: str
    en: str

    def __str__(self) -> str:
        return self.en if (get_language() or "id").startswith("en") else self.id

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "en": self.en}

    def format(self, **values: object) -> Text:
        return Text(id=self.id.format(**values), en=self.en.format(**values))
