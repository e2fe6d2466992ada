"""The CSV exchange layout: which Kinerja field goes to which column header.

The default (`mapping_default.yaml`, beside this module) is documented in the
file itself; an agency points `KINERJA_RECAP_CSV_MAPPING` at its own copy.
The file is checked when loaded; a mistake raises `RecapMappingError`, which
names the entry and says what is wrong in Indonesian and English.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings

from workflow.text import Text

from .columns import recap_columns

DEFAULT_MAPPING = Path(__file__).with_name("mapping_default.yaml")
VALUE_KINDS = ("label", "code")


class RecapMappingError(ValueError):
    def __init__(self, text: Text):
        super().__init__(f"{text.id} / {text.en}")
        self.text = text


@dataclass(frozen=True)
class MappedColumn:
    field: str
    header: str
    value: str = "label"


@dataclass(frozen=True)
class CsvMapping:
    columns: tuple[MappedColumn, ...]
    delimiter: str = ";"
    encoding: str = "utf-8-sig"
    source: str = ""


def _fail(source: str, id_: str, en: str, **values) -> RecapMappingError:
    where = Text(id=f"Berkas pemetaan {source}: ", en=f"Mapping file {source}: ")
    text = Text(id=where.id + id_, en=where.en + en).format(**values)
    return RecapMappingError(text)


def csv_mapping_parse(text: str, *, source: str = "<teks>") -> CsvMapping:
    """Check and read a mapping document (YAML); every problem is named."""
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _fail(source, "bukan YAML yang sah ({e}).", "not valid YAML ({e}).", e=exc) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("columns"), list) or not doc["columns"]:
        raise _fail(
            source,
            "harus berisi 'columns': daftar kolom yang tidak kosong.",
            "must hold 'columns': a non-empty list of columns.",
        )
    if doc.get("version", 1) != 1:
        raise _fail(source, "versi {v} tidak dikenal.", "unknown version {v}.", v=doc["version"])
    delimiter = doc.get("delimiter", ";")
    if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in "\"'\r\n":
        raise _fail(
            source,
            "'delimiter' harus satu karakter (mis. ';' atau ',').",
            "'delimiter' must be one character (e.g. ';' or ',').",
        )
    encoding = doc.get("encoding", "utf-8-sig")
    try:
        codecs.lookup(str(encoding))
    except LookupError:
        raise _fail(
            source, "encoding '{e}' tidak dikenal.", "unknown encoding '{e}'.", e=encoding
        ) from None
    known = {c.key for c in recap_columns(None)}
    columns, headers = [], set()
    for number, entry in enumerate(doc["columns"], start=1):
        if not isinstance(entry, dict) or set(entry) - {"field", "header", "value"}:
            raise _fail(
                source,
                "kolom ke-{n} harus berisi field, header dan (boleh) value.",
                "column {n} must hold field, header and (optionally) value.",
                n=number,
            )
        field, header = entry.get("field"), entry.get("header")
        value = entry.get("value", "label")
        if field not in known:
            raise _fail(
                source,
                "kolom ke-{n}: field '{f}' tidak dikenal; yang dikenal: {k}.",
                "column {n}: unknown field '{f}'; known: {k}.",
                n=number,
                f=field,
                k=", ".join(sorted(known)),
            )
        if not isinstance(header, str) or not header.strip():
            raise _fail(
                source,
                "kolom ke-{n} ({f}): header kosong.",
                "column {n} ({f}): empty header.",
                n=number,
                f=field,
            )
        if header in headers:
            raise _fail(
                source,
                "kolom ke-{n}: header '{h}' dipakai dua kali.",
                "column {n}: header '{h}' is used twice.",
                n=number,
                h=header,
            )
        if value not in VALUE_KINDS:
            raise _fail(
                source,
                "kolom ke-{n} ({f}): value harus 'label' atau 'code'.",
                "column {n} ({f}): value must be 'label' or 'code'.",
                n=number,
                f=field,
            )
        headers.add(header)
        columns.append(MappedColumn(field=field, header=header, value=value))
    return CsvMapping(
        columns=tuple(columns), delimiter=delimiter, encoding=str(encoding), source=source
    )


def csv_mapping_load(path: str | Path | None = None) -> CsvMapping:
    """The agency's mapping (`KINERJA_RECAP_CSV_MAPPING`), else the default one."""
    path = Path(path or getattr(settings, "KINERJA_RECAP_CSV_MAPPING", "") or DEFAULT_MAPPING)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(
            str(path), "tidak dapat dibaca ({e}).", "cannot be read ({e}).", e=exc
        ) from None
    return csv_mapping_parse(text, source=str(path))
