"""The two forms of the PermenPANRB 6/2022 annex, as reportlab stories.

- SKP (Sasaran Kinerja Pegawai): the identity of the employee, the appraiser
  and the appraiser's superior; the result items with the leader's item each
  supports (intervensi), indicators (aspect, target), JPT perspectives where
  the position is JPT; the seven BerAKHLAK values with the appraiser's specific
  expectations; the signatures; the annex (lampiran: resources,
  accountability, consequences).
- Dokumen Evaluasi Kinerja Pegawai (annual; a periodic one adds its period
  and the check-in realisations of that period, see `evaluation_story`): the
  same identities, realisations and feedback, the two ratings, the predicate,
  the appeal decision and the follow-up decision when they exist, signatures.

Everything is read from the record (never the clock): the same record in the
same state gives the same story.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.platypus import KeepTogether, PageBreak, Paragraph, Table, TableStyle

from ..models import (
    Appraisal,
    BehaviourValue,
    Employee,
    PeriodicEvaluation,
    PlanAnnex,
    UnitPredicate,
)
from ..models.appraisal import Perspective
from ..predicate import Predicate, Rating
from ..selectors.periods import period_bounds
from ..selectors.plan import appeal_latest_of, decision_list_of, plan_item_list_of
from ..services.organisation import supervisor_resolve
from .layout import REGULAR, WIDTH, bold, date_id, key_values, para, spacer, table
from .layout import STYLES as S

# SE MenPANRB 20/2021: the core values' behaviour guidance, as the annex prints it.
BERAKHLAK = {
    BehaviourValue.SERVICE: "Memahami dan memenuhi kebutuhan masyarakat; ramah, cekatan, solutif, "
    "dan dapat diandalkan; melakukan perbaikan tiada henti.",
    BehaviourValue.ACCOUNTABLE: "Melaksanakan tugas dengan jujur, bertanggung jawab, cermat, "
    "disiplin, dan berintegritas tinggi; menggunakan kekayaan dan barang milik negara secara "
    "bertanggung jawab, efektif, dan efisien; tidak menyalahgunakan kewenangan jabatan.",
    BehaviourValue.COMPETENT: "Meningkatkan kompetensi diri untuk menjawab tantangan yang selalu "
    "berubah; membantu orang lain belajar; melaksanakan tugas dengan kualitas terbaik.",
    BehaviourValue.HARMONIOUS: "Menghargai setiap orang apa pun latar belakangnya; suka menolong "
    "orang lain; membangun lingkungan kerja yang kondusif.",
    BehaviourValue.LOYAL: "Memegang teguh ideologi Pancasila, UUD 1945, setia kepada NKRI serta "
    "pemerintahan yang sah; menjaga nama baik sesama ASN, pimpinan, instansi, dan negara; "
    "menjaga rahasia jabatan dan negara.",
    BehaviourValue.ADAPTIVE: "Cepat menyesuaikan diri menghadapi perubahan; terus berinovasi dan "
    "mengembangkan kreativitas; bertindak proaktif.",
    BehaviourValue.COLLABORATIVE: "Memberi kesempatan kepada berbagai pihak untuk berkontribusi; "
    "terbuka dalam bekerja sama untuk menghasilkan nilai tambah; menggerakkan pemanfaatan "
    "berbagai sumber daya untuk tujuan bersama.",
}


@dataclass(frozen=True)
class People:
    employee: Employee
    appraiser: Employee | None
    superior: Employee | None


def people_of(appraisal: Appraisal, on: dt.date) -> People:
    """The three identity blocks; the appraiser's superior as of `on` unless an appeal named one."""
    superior = appraisal.appeal_reviewer
    if superior is None and appraisal.appraiser is not None:
        superior = supervisor_resolve(employee=appraisal.appraiser, on=on)
    return People(appraisal.employee, appraisal.appraiser, superior)


def is_jpt(appraisal: Appraisal) -> bool:
    position = appraisal.employee.position
    return position is not None and position.kind == "jpt"


def _instansi(appraisal: Appraisal) -> str:
    return appraisal.cycle.instansi.name


def _period(appraisal: Appraisal) -> str:
    cycle = appraisal.cycle
    return f"{date_id(cycle.starts_on)} s.d. {date_id(cycle.ends_on)}"


def _label(choices, value: str) -> str:
    return str(choices(value).label) if value else "-"


def heading(appraisal: Appraisal, title: str, subtitle: str) -> list:
    return [
        Paragraph(_instansi(appraisal).upper(), S["subtitle"]),
        Paragraph(title, S["title"]),
        Paragraph(subtitle, S["subtitle"]),
        Paragraph(f"PERIODE PENILAIAN: {_period(appraisal).upper()}", S["subtitle"]),
        spacer(4),
    ]


def identity(people: People) -> Table:
    """Name, NIP, rank/grade, position and unit of the three, side by side."""
    rows = [("Nama", "name"), ("NIP", "nip"), ("Pangkat/Gol. Ruang", "grade"), ("Jabatan", "pos")]
    rows.append(("Unit Kerja", "unit"))

    def value(person: Employee | None, field: str) -> str:
        if person is None:
            return "-"
        if field == "pos":
            return person.position.name if person.position_id else "-"
        if field == "unit":
            return person.unit.name
        return getattr(person, field) or "-"

    persons = (people.employee, people.appraiser, people.superior)
    header = ["", "PEGAWAI YANG DINILAI", "PEJABAT PENILAI KINERJA", "ATASAN PEJABAT PENILAI"]
    body = [[bold(label)] + [para(value(p, field)) for p in persons] for label, field in rows]
    return table(header, body, [0.16, 0.28, 0.28, 0.28])


# Column widths (shares of the page width) of the result items' table, by form.
_COLUMNS = {
    (False, False): [0.05, 0.22, 0.24, 0.1, 0.26, 0.13],
    (False, True): [0.05, 0.13, 0.18, 0.2, 0.09, 0.22, 0.13],
    (True, False): [0.04, 0.14, 0.15, 0.1, 0.16, 0.1, 0.18, 0.13],
    (True, True): [0.04, 0.1, 0.11, 0.12, 0.1, 0.13, 0.09, 0.18, 0.13],
}


def _items_rows(appraisal: Appraisal, *, evaluation: bool) -> tuple[list, list, list]:
    """One row per indicator; the item's own cells on its first indicator's row."""
    jpt = is_jpt(appraisal)
    header = ["No", "Rencana Hasil Kerja Pimpinan yang Diintervensi", "Rencana Hasil Kerja"]
    if jpt:
        header.insert(1, "Perspektif")
    header += ["Aspek", "Indikator Kinerja Individu", "Target"]
    if evaluation:
        header += ["Realisasi", "Penilaian Mandiri"]
    rows = []
    for number, item in enumerate(plan_item_list_of(appraisal=appraisal), start=1):
        parent = item.parent_item.result if item.parent_item_id else "-"
        for index, indicator in enumerate(list(item.indicators.all()) or [None]):
            first = index == 0
            row = [str(number), parent] if first else ["", ""]
            if jpt:
                row.append(_label(Perspective, item.perspective) if first else "")
            row.append(item.result if first else "")
            row += [
                indicator.get_aspect_display() if indicator else "-",
                indicator.name if indicator else "-",
                indicator.target if indicator else "-",
            ]
            if evaluation:
                row += [item.realisation, _label(Rating, item.self_rating)] if first else ["", ""]
            rows.append(row)
    widths = _COLUMNS[(evaluation, jpt)]
    return header, rows, [w / sum(widths) for w in widths]


def behaviour(appraisal: Appraisal) -> Table:
    have = {e.value: e.expectation for e in appraisal.behaviour_expectations.all()}
    rows = [
        [str(n), bold(label), para(BERAKHLAK[BehaviourValue(value)]), para(have.get(value, ""))]
        for n, (value, label) in enumerate(BehaviourValue.choices, start=1)
    ]
    header = ["No", "Perilaku Kerja", "Panduan Perilaku (BerAKHLAK)", "Ekspektasi Khusus Pimpinan"]
    return table(header, rows, [0.05, 0.18, 0.4, 0.37])


def signatures(blocks: list[tuple[str, Employee | None]], place_date: str) -> Table:
    """Side-by-side signature blocks: role, space to sign, name, NIP."""
    cells = []
    for index, (role, person) in enumerate(blocks):
        dated = place_date if index == len(blocks) - 1 else ""
        name = person.name if person else "-"
        nip = f"NIP {person.nip}" if person else ""
        cells.append(
            [
                para(dated or " ", "sign"),
                para(role, "sign"),
                spacer(16),
                Paragraph(f"<b><u>{escape(name)}</u></b>", S["sign"]),
                para(nip or " ", "sign"),
            ]
        )
    t = Table([cells], colWidths=[WIDTH / len(blocks)] * len(blocks))
    t.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    return KeepTogether([spacer(6), t])


def annex(appraisal: Appraisal) -> list:
    annex_row = PlanAnnex.objects.filter(appraisal=appraisal).first()
    return [
        PageBreak(),
        Paragraph("LAMPIRAN SASARAN KINERJA PEGAWAI", S["title"]),
        spacer(4),
        key_values(
            [
                ("Dukungan Sumber Daya", annex_row.resources if annex_row else ""),
                ("Skema Pertanggungjawaban", annex_row.accountability if annex_row else ""),
                ("Konsekuensi", annex_row.consequences if annex_row else ""),
            ]
        ),
    ]


def skp_story(appraisal: Appraisal, *, on: dt.date) -> list:
    people = people_of(appraisal, on)
    jpt = is_jpt(appraisal)
    subtitle = (
        "BAGI PEJABAT PIMPINAN TINGGI DAN PIMPINAN UNIT KERJA MANDIRI"
        if jpt
        else "PENDEKATAN HASIL KERJA KUALITATIF BAGI PEJABAT ADMINISTRASI DAN PEJABAT FUNGSIONAL"
    )
    header, rows, widths = _items_rows(appraisal, evaluation=False)
    return [
        *heading(appraisal, "SASARAN KINERJA PEGAWAI", subtitle),
        identity(people),
        Paragraph("HASIL KERJA", S["h2"]),
        table(header, rows, widths),
        Paragraph("PERILAKU KERJA", S["h2"]),
        behaviour(appraisal),
        signatures(
            [
                ("Pegawai yang Dinilai", people.employee),
                ("Pejabat Penilai Kinerja", people.appraiser),
            ],
            date_id(on),
        ),
        *annex(appraisal),
    ]


def evaluation_story(appraisal: Appraisal, *, on: dt.date, period: int | None = None) -> list:
    """The annual evaluation; with `period`, the periodic one: that period's check-in
    realisations and feedback, and its own ratings and predicate (`PeriodicEvaluation`)."""
    if period is not None:
        return _periodic_story(appraisal, on=on, period=period)
    people = people_of(appraisal, on)
    header, rows, widths = _items_rows(appraisal, evaluation=True)
    title = "DOKUMEN EVALUASI KINERJA PEGAWAI"
    story = [*heading(appraisal, title, "PERIODE: TAHUNAN"), identity(people)]
    organisation = UnitPredicate.objects.filter(unit=appraisal.unit, cycle=appraisal.cycle).first()
    if organisation is not None:
        story += [
            spacer(3),
            key_values([("Capaian Kinerja Organisasi", organisation.get_predicate_display())]),
        ]
    story += [Paragraph("HASIL KERJA", S["h2"]), table(header, rows, widths)]
    story += _check_ins(appraisal, None)
    story += [
        spacer(3),
        key_values([("Rating Hasil Kerja", _label(Rating, appraisal.result_rating))]),
        Paragraph("PERILAKU KERJA", S["h2"]),
        behaviour(appraisal),
        spacer(3),
        key_values(
            [
                ("Rating Perilaku Kerja", _label(Rating, appraisal.behaviour_rating)),
                ("Predikat Kinerja Pegawai", _label(Predicate, appraisal.predicate)),
                ("Umpan Balik Pejabat Penilai", appraisal.feedback),
            ]
        ),
    ]
    discussion = appraisal.discussions.order_by("-held_at", "-id").first()
    if discussion is not None:
        story += [
            Paragraph("DIALOG KINERJA", S["h2"]),
            key_values([("Waktu", date_id(discussion.held_at)), ("Ringkasan", discussion.summary)]),
        ]
    story += _appeal(appraisal)
    story += _decision(appraisal)
    blocks = [
        ("Pegawai yang Dinilai", people.employee),
        ("Pejabat Penilai Kinerja", people.appraiser),
    ]
    appeal = appeal_latest_of(appraisal=appraisal)
    if appeal is not None and appeal.outcome:
        blocks.append(("Atasan Pejabat Penilai Kinerja", people.superior))
    story.append(signatures(blocks, date_id(on)))
    return story


def _periodic_story(appraisal: Appraisal, *, on: dt.date, period: int) -> list:
    """Dokumen Evaluasi Kinerja periodik: the period (its dates), the plan's items, the
    period's realisations and feedback, and the period's ratings and predicate (a draft
    while the period is not rated shows none)."""
    people = people_of(appraisal, on)
    header, rows, widths = _items_rows(appraisal, evaluation=False)
    first, last = period_bounds(appraisal.cycle, period)
    subtitle = f"PERIODE: {period} ({date_id(first)} s.d. {date_id(last)})".upper()
    title = "DOKUMEN EVALUASI KINERJA PEGAWAI PERIODIK"
    story = [*heading(appraisal, title, subtitle), identity(people)]
    story += [Paragraph("HASIL KERJA", S["h2"]), table(header, rows, widths)]
    story += _check_ins(appraisal, period)
    rated = PeriodicEvaluation.objects.filter(appraisal=appraisal, period=period).first()
    story += [
        Paragraph(f"EVALUASI KINERJA PERIODE {period}", S["h2"]),
        key_values(
            [
                ("Rating Hasil Kerja", _label(Rating, rated.result_rating if rated else "")),
                ("Rating Perilaku Kerja", _label(Rating, rated.behaviour_rating if rated else "")),
                ("Predikat Kinerja Pegawai", _label(Predicate, rated.predicate if rated else "")),
                ("Umpan Balik Pejabat Penilai", rated.feedback if rated else "-"),
                ("Tanggal Evaluasi", date_id(rated.rated_at) if rated else "-"),
            ]
        ),
    ]
    blocks = [
        ("Pegawai yang Dinilai", people.employee),
        ("Pejabat Penilai Kinerja", people.appraiser),
    ]
    story.append(signatures(blocks, date_id(on)))
    return story


def _check_ins(appraisal: Appraisal, period: int | None) -> list:
    check_ins = appraisal.check_ins.prefetch_related("entries__indicator")
    if period is not None:
        check_ins = check_ins.filter(period=period)
    rows = []
    for check_in in check_ins:
        realised = "\n".join(f"{e.indicator.name}: {e.realisation}" for e in check_in.entries.all())
        rows.append([str(check_in.period), realised or check_in.note, check_in.feedback])
    if not rows:
        return []
    return [
        Paragraph("PEMANTAUAN DAN UMPAN BALIK BERKELANJUTAN", S["h2"]),
        table(["Periode", "Realisasi", "Umpan Balik Pejabat Penilai"], rows, [0.1, 0.5, 0.4]),
    ]


def _appeal(appraisal: Appraisal) -> list:
    appeal = appeal_latest_of(appraisal=appraisal)
    if appeal is None:
        return []
    rows = [("Diajukan", date_id(appeal.filed_at)), ("Alasan Keberatan", appeal.grounds)]
    if appeal.outcome:
        rows += [
            ("Keputusan", appeal.get_outcome_display()),
            ("Pertimbangan", appeal.decision_reason),
            ("Tanggal Keputusan", date_id(appeal.decided_at)),
        ]
    else:
        rows.append(("Keputusan", "Belum diputus"))
    return [Paragraph("KEBERATAN", S["h2"]), key_values(rows)]


def _decision(appraisal: Appraisal) -> list:
    """Every follow-up of the appraisal, oldest first (several per appraisal, issue #18)."""
    decisions = decision_list_of(appraisal=appraisal)
    if not decisions:
        return []
    story: list = [Paragraph("TINDAK LANJUT", S["h2"])]
    for decision in decisions:
        rows = [
            ("Jenis Tindak Lanjut", decision.get_kind_display()),
            ("Uraian", decision.details),
            ("Status", decision.get_status_display()),
        ]
        if decision.status == "approved":
            rows += [
                ("Nomor Keputusan", decision.reference_number),
                ("Tanggal Berlaku", date_id(decision.effective_date)),
            ]
        story.append(key_values(rows))
    return story
