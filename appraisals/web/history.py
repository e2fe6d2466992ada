"""The audit chain in words, for people (issue #16).

Audit events keep the engine's codes (`submit_plan`, `result_rating`, `plan_item[3].realisation`,
ISO times in UTC), as they must: the chain is hashed over them. A page shows each event as a
sentence ("Rencana SKP diajukan oleh …"), each changed field by its label, each value by its
label (a rating "Di atas ekspektasi", a state "SKP diajukan", a person or a cycle by its name),
a reason given as a code (`cycle_open: …`) by its message, and every time in the agency's zone
("3 Des 2026 21:42 WIB", as the verification page shows a signature's time). The raw form stays
for inspectors behind the technical view (appraisals/web/inspect.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import dateformat
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from workflow.text import Text

from .. import clock
from ..lifecycle import APPRAISAL_WORKFLOW
from ..models import Cycle, Employee, Unit
from ..models.appraisal import Indicator, PlanItem
from .labels import LABELS, label

T = Text

STATE_LABELS = {s.name: s.label for s in APPRAISAL_WORKFLOW.states}
TRANSITION_LABELS = {t.name: t.label for t in APPRAISAL_WORKFLOW.transitions}

# What happened, as the past tense of the table's transitions; the audited changes that are
# not transitions read from labels.LABELS (e.g. "plan_item.created").
EVENTS: dict[str, Text] = {
    "submit_plan": T("Rencana SKP diajukan", "Performance plan submitted"),
    "return_plan": T("Rencana SKP dikembalikan untuk diperbaiki", "Plan returned for revision"),
    "approve_plan": T("Rencana SKP disetujui", "Performance plan approved"),
    "hr_set_plan": T("SKP ditetapkan pengelola kinerja", "Plan set by the HR administrator"),
    "submit_self_assessment": T("Penilaian mandiri diajukan", "Self-assessment submitted"),
    "return_self_assessment": T(
        "Penilaian mandiri dikembalikan untuk dilengkapi", "Self-assessment returned"
    ),
    "submit_review": T("Penilaian kinerja diberikan", "Performance rated"),
    "record_discussion": T("Dialog kinerja dicatat", "Performance dialogue recorded"),
    "issue_result": T("Hasil penilaian ditetapkan", "Result issued"),
    "accept_result": T("Hasil penilaian diterima", "Result accepted"),
    "file_appeal": T("Keberatan diajukan", "Appeal filed"),
    "decide_appeal": T("Keberatan diputus", "Appeal decided"),
    "propose_decision": T("Tindak lanjut diusulkan", "Follow-up proposed"),
    "approve_decision": T("Tindak lanjut disetujui", "Follow-up approved"),
    "reject_decision": T("Usulan tindak lanjut ditolak", "Follow-up proposal rejected"),
    "cancel": T("Penilaian dibatalkan", "Appraisal cancelled"),
    "periodic_evaluation.rated": T(
        "Evaluasi kinerja berkala diberikan", "Periodic evaluation rated"
    ),
    "document.signed": T("Dokumen ditandatangani secara elektronik", "Document signed"),
}
SOMETHING = T("Perubahan dicatat", "Change recorded")
BY = T("{what} oleh {who}", "{what} by {who}")

# Reasons the system writes as a code, with a person's words after the colon.
REASONS: dict[str, Text] = {
    "cycle_open": T("Periode penilaian dibuka: {rest}", "Appraisal cycle opened: {rest}"),
}
CODE_REASON = re.compile(r"^([a-z][a-z0-9]*(?:[_.][a-z0-9]+)+)(?::\s*(.*))?$", re.S)

# Field names: the appraisal's own, then the parts a change key is made of.
FIELDS: dict[str, Text] = {
    "state": T("Status", "Status"),
    "cycle_id": T("Periode penilaian", "Appraisal cycle"),
    "employee_id": T("Pegawai", "Employee"),
    "unit_id": T("Unit kerja", "Unit"),
    "appraiser_id": T("Pejabat penilai kinerja", "Appraiser"),
    "appeal_reviewer_id": T("Atasan pejabat penilai", "Appeal reviewer"),
    "result_rating": T("Rating hasil kerja", "Result rating"),
    "behaviour_rating": T("Rating perilaku kerja", "Behaviour rating"),
    "predicate": T("Predikat kinerja", "Performance predicate"),
    "feedback": T("Umpan balik", "Feedback"),
    "result_issued_at": T("Hasil ditetapkan pada", "Result issued at"),
    "result_received_at": T("Hasil diterima pada", "Result received at"),
    "appeal_deadline": T("Batas waktu keberatan", "Appeal deadline"),
    "cause": T("Sebab", "Cause"),
    "curve_flag": T("Penanda kurva distribusi", "Distribution curve flag"),
    "grounds": T("Alasan keberatan", "Grounds"),
    "outcome": T("Putusan", "Outcome"),
    "kind": T("Jenis", "Kind"),
    "details": T("Rincian", "Details"),
    "status": T("Status", "Status"),
    "summary": T("Ringkasan", "Summary"),
    "held_at": T("Waktu pelaksanaan", "Held at"),
    "code": T("Kode dokumen", "Document code"),
    "document_code": T("Kode dokumen", "Document code"),
    "period": T("Periode", "Period"),
    "realisation": T("Realisasi", "Realisation"),
    "self_rating": T("Penilaian mandiri", "Self-rating"),
    "result": T("Rencana hasil kerja", "Planned result"),
    "indicators": T("Indikator", "Indicators"),
    "perspective": T("Perspektif", "Perspective"),
    "parent_item": T("Hasil kerja atasan yang diintervensi", "Supervisor's result supported"),
    "note": T("Catatan", "Note"),
    "name": T("Nama", "Name"),
    "url": T("Tautan", "Link"),
    "target": T("Target", "Target"),
    "aspect": T("Aspek", "Aspect"),
    "requested": T("Jumlah rekan yang diminta", "Colleagues asked"),
    "plan_fallback_on": T("Tanggal batas penyusunan SKP", "Plan fallback date"),
    "due_on": T("Batas waktu", "Due on"),
    "remind_days": T("Pengingat (hari sebelumnya)", "Reminders (days before)"),
    "escalate": T("Eskalasi", "Escalation"),
    "version": T("Versi", "Version"),
    "sha256": T("Sidik SHA-256", "SHA-256 digest"),
    "handover_id": T("Nomor serah terima", "Handover number"),
    "backend": T("Layanan tanda tangan", "Signing service"),
    # The groups of a change key (`group[index].field`)
    "plan_item": T("Rencana hasil kerja", "Result item"),
    "check_in": T("Realisasi berkala", "Check-in"),
    "entries": T("Realisasi indikator", "Indicator realisation"),
    "periodic_evaluation": T("Evaluasi berkala", "Periodic evaluation"),
    "behaviour": T("Ekspektasi perilaku", "Behaviour expectation"),
    "evidence": T("Bukti dukung", "Evidence"),
    "document": T("Dokumen", "Document"),
    "signature": T("Tanda tangan elektronik", "Electronic signature"),
    "discussion": T("Dialog kinerja", "Performance dialogue"),
    "appeal": T("Keberatan", "Appeal"),
    "decision": T("Tindak lanjut", "Follow-up"),
    "annex": T("Lampiran SKP", "Plan annex"),
    "peer_feedback": T("Umpan balik rekan", "Peer feedback"),
}
# Engine bookkeeping and digests: in the technical view only.
HIDDEN = {"version", "handover_id", "sha256", "backend", "size", "content_type", "id"}
PEOPLE = {"employee_id", "appraiser_id", "appeal_reviewer_id", "previous_id", "successor_id"}
KEY_PART = re.compile(r"([a-z_]+)(?:\[([^\]]*)\])?")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HEX_DIGEST = re.compile(r"^[0-9a-f]{40,}$")
CODE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
ROMAN = ["I", "II", "III", "IV"]


def local_text(moment: dt.datetime | None, tz) -> str:
    """A moment as people read it: "3 Des 2026 21:42 WIB" (the agency's zone)."""
    if moment is None:
        return ""
    return f"{dateformat.format(moment.astimezone(tz), 'j M Y H:i')} {clock.zone_abbreviation(tz)}"


def day_text(day: dt.date) -> str:
    return dateformat.format(day, "j M Y")


def humanise(code: str) -> str:
    """A code no label names, at least without its underscores."""
    words = re.sub(r"[_.\[\]]+", " ", str(code)).strip()
    return words[:1].upper() + words[1:]


def field_label(name: str) -> str:
    text = FIELDS.get(name)
    return str(text) if text is not None else humanise(name)


@dataclass
class Change:
    field: str  # the key as recorded, for the technical view and data attributes
    label: str
    before: str
    after: str


@dataclass
class Row:
    seq: int
    at: dt.datetime
    at_text: str
    action: str
    title: str
    what: str
    who: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    event: object = None


class Reader:
    """Reads one appraisal's events: the names and labels they point at, fetched once."""

    def __init__(self, appraisal, events, *, complete: bool = False):
        # complete: every recorded field, bookkeeping and digests too (the inspector's view).
        self.complete = complete
        self.appraisal = appraisal
        self.tz = clock.agency_zone(appraisal.unit) if appraisal is not None else None
        if self.tz is None:
            self.tz = clock.agency_zone(None)
        self.events = list(events)
        ids = {"employee": set(), "cycle": set(), "unit": set(), "item": set(), "indicator": set()}
        for e in self.events:
            for key, pair in (e.changes or {}).items():
                for part, index in KEY_PART.findall(key):
                    if part == "plan_item" and index.isdigit():
                        ids["item"].add(int(index))
                    if part == "entries" and index.isdigit():
                        ids["indicator"].add(int(index))
                last = key.rsplit(".", 1)[-1]
                for value in pair if isinstance(pair, list | tuple) else ():
                    if not isinstance(value, int) or isinstance(value, bool):
                        continue
                    if last in PEOPLE:
                        ids["employee"].add(value)
                    elif last == "cycle_id":
                        ids["cycle"].add(value)
                    elif last == "unit_id":
                        ids["unit"].add(value)
        self.employees = dict(
            Employee.objects.filter(pk__in=ids["employee"] or [0]).values_list("pk", "name")
        )
        self.cycles = dict(
            Cycle.objects.filter(pk__in=ids["cycle"] or [0]).values_list("pk", "name")
        )
        self.units = dict(Unit.objects.filter(pk__in=ids["unit"] or [0]).values_list("pk", "name"))
        self.items = dict(
            PlanItem.objects.filter(pk__in=ids["item"] or [0]).values_list("pk", "result")
        )
        self.indicators = dict(
            Indicator.objects.filter(pk__in=ids["indicator"] or [0]).values_list("pk", "name")
        )
        frequency = getattr(getattr(appraisal, "cycle", None), "check_in_frequency", "")
        self.monthly = frequency == "monthly"

    # -- one event -----------------------------------------------------------------

    def row(self, e) -> Row:
        what = EVENTS.get(e.action) or LABELS.get(e.action)
        if what is None and e.from_state != e.to_state and e.to_state in STATE_LABELS:
            what = STATE_LABELS[e.to_state]
        what = str(what or SOMETHING)
        who = e.actor_name or e.actor_username
        return Row(
            seq=e.seq,
            at=e.at,
            at_text=local_text(e.at, self.tz),
            action=e.action,
            title=str(BY.format(what=what, who=who)) if who else what,
            what=what,
            who=who,
            reason=self.reason(e.reason),
            changes=self.changes(e.changes or {}),
            event=e,
        )

    def rows(self) -> list[Row]:
        return [self.row(e) for e in self.events]

    @staticmethod
    def reason(reason: str) -> str:
        found = CODE_REASON.match(reason or "")
        if not found:
            return reason or ""
        code, rest = found[1], (found[2] or "").strip()
        if code in REASONS:
            return str(REASONS[code].format(rest=rest)).strip()
        if code in LABELS:
            return f"{label(code)}: {rest}" if rest else label(code)
        return rest

    # -- changed fields ------------------------------------------------------------

    def period(self, index: str) -> str:
        if not index.isdigit():
            return index
        n = int(index)
        if self.monthly and 1 <= n <= 12:
            return dateformat.format(dt.date(2000, n, 1), "F")
        if not self.monthly and 1 <= n <= 4:
            return _("Quarter %(n)s") % {"n": ROMAN[n - 1]}
        return _("Period %(n)s") % {"n": n}

    def part_label(self, part: str, index: str) -> str:
        name = field_label(part)
        if not index:
            return name
        if part == "plan_item":
            result = self.items.get(int(index)) if index.isdigit() else None
            return f"{name} “{result}”" if result else name
        if part == "entries":
            indicator = self.indicators.get(int(index)) if index.isdigit() else None
            return f"{name} “{indicator}”" if indicator else name
        if part in ("check_in", "periodic_evaluation"):
            return f"{name} {self.period(index)}"
        if part in ("behaviour", "signature"):
            return f"{name} {label(index)}"
        return name

    def key_label(self, key: str) -> str:
        parts = [self.part_label(p, i) for p, i in KEY_PART.findall(key)]
        return " · ".join(parts) if parts else humanise(key)

    def hidden(self, key: str, pair) -> bool:
        last = key.rsplit(".", 1)[-1]
        if last in HIDDEN:
            return True
        values = pair if isinstance(pair, list | tuple) else [pair]
        return any(isinstance(v, str) and HEX_DIGEST.match(v) for v in values)

    def changes(self, changes: dict) -> list[Change]:
        out = []
        for key, pair in changes.items():
            # The state is the event's own line ("SKP diajukan → Pelaksanaan kinerja").
            if not self.complete and (key == "state" or self.hidden(key, pair)):
                continue
            paired = isinstance(pair, list | tuple) and len(pair) == 2
            before, after = pair if paired else (None, pair)
            parts = KEY_PART.findall(key)
            last = parts[-1][0] if parts else key
            before, after = self.value(before, last), self.value(after, last)
            if before != after or self.complete:
                out.append(Change(key, self.key_label(key), before, after))
        return out

    def value(self, value, name: str = "") -> str:
        if isinstance(value, str) and HEX_DIGEST.match(value):
            return value
        if value is None or value == "" or value == [] or value == {}:
            return "—"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, int):
            if name in PEOPLE:
                return self.employees.get(value) or "—"
            if name == "cycle_id":
                return self.cycles.get(value) or "—"
            if name == "unit_id":
                return self.units.get(value) or "—"
            if name == "period":
                return self.period(str(value))
            return str(value)
        if isinstance(value, dict):
            return self.record(value)
        if isinstance(value, list | tuple):
            return "; ".join(self.value(v, name) for v in value)
        text = str(value)
        if name == "state" and text in STATE_LABELS:
            return str(STATE_LABELS[text])
        if ISO_MOMENT.match(text):
            moment = parse_datetime(text)
            if moment is not None:
                return local_text(moment, self.tz)
        if ISO_DAY.match(text):
            day = parse_date(text)
            if day is not None:
                return day_text(day)
        if text in LABELS:
            return label(text)
        if CODE.match(text):
            return humanise(text)
        return text

    def record(self, value: dict) -> str:
        """A recorded row (a plan item with its indicators, an evidence...) as one line."""
        if "result" in value and "indicators" in value:
            indicators = "; ".join(
                f"{i.get('name', '')} ({label(i.get('aspect', ''))}): {i.get('target', '')}"
                for i in value.get("indicators") or []
                if isinstance(i, dict)
            )
            text = str(value.get("result") or "")
            return f"{text} — {field_label('indicators')}: {indicators}" if indicators else text
        parts = [
            f"{field_label(k)}: {self.value(v, k)}"
            for k, v in value.items()
            if k not in HIDDEN
            and not (isinstance(v, str) and HEX_DIGEST.match(v))
            and v not in (None, "")
        ]
        return "; ".join(parts) or "—"


def timeline_rows(events, appraisal, *, complete: bool = False) -> list[Row]:
    """The appraisal's events in words, oldest first (as `events` come)."""
    if events is None:
        return []
    return Reader(appraisal, events, complete=complete).rows()


def event_what(action: str, from_state: str = "", to_state: str = "") -> str:
    """What an event did, in words, without who (lists of events from many appraisals)."""
    what = EVENTS.get(action) or LABELS.get(action)
    if what is None and from_state != to_state and to_state in STATE_LABELS:
        what = STATE_LABELS[to_state]
    return str(what or SOMETHING)


def reason_text(reason: str) -> str:
    """A reason as people read it: a code the system wrote (`cycle_open: …`) as its message."""
    return Reader.reason(reason)


# Where a record was read (audit ReadAccess.purpose): the channel in words. Purposes are
# "<channel>[.<what>[.<detail>]]", e.g. "web.inspect", "web.document.skp", "appraisal.history".
READ_CHANNELS: dict[str, Text] = {
    "web.appraisal": T("Halaman penilaian", "Appraisal page"),
    "web.transition": T("Formulir tindakan", "Action form"),
    "web.inspect": T("Halaman pemeriksa", "Inspector's page"),
    "web.plan": T("Halaman penyusunan SKP", "Plan editor"),
    "web.expectations": T("Halaman ekspektasi perilaku", "Behaviour expectations page"),
    "web.check_ins": T("Halaman realisasi berkala", "Check-ins page"),
    "web.periodic": T("Halaman evaluasi berkala", "Periodic evaluation page"),
    "web.document.sign": T("Halaman tanda tangan dokumen", "Document signing page"),
    "web.document": T("Unduhan dokumen dari halaman", "Document download (page)"),
    "appraisal.detail": T("API: data penilaian", "API: appraisal"),
    "appraisal.history": T("API: riwayat penilaian", "API: appraisal history"),
    "document": T("API: unduhan dokumen", "API: document download"),
    "audit.bundle": T("Unduhan berkas bukti audit", "Audit evidence bundle download"),
    "unit.recap": T("Unduhan rekap unit", "Unit recap download"),
}
OTHER_PAGE = T("Halaman lain", "Other page")
OTHER_API = T("API", "API")


def read_purpose_text(purpose: str) -> str:
    """A read-access purpose in words: the longest known prefix, with the document it names."""
    code = (purpose or "").split(":", 1)[0]
    parts = code.split(".")
    for n in range(len(parts), 0, -1):
        text = READ_CHANNELS.get(".".join(parts[:n]))
        if text is None:
            continue
        rest = [label(p) for p in parts[n:] if p in LABELS]
        rest += [_("period %(n)s") % {"n": p} for p in parts[n:] if p.isdigit()]
        return f"{text} ({', '.join(rest)})" if rest else str(text)
    return str(OTHER_PAGE if code.startswith("web.") else OTHER_API)
