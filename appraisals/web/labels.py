"""Bilingual labels of the domain's codes, for pages (the API returns the codes).

The models' choice labels are Indonesian only (they name regulation terms);
pages in English need both, so each code carries a Text here.
"""

from __future__ import annotations

from workflow.text import Text

from ..selectors.periods import period_name_text

T = Text

LABELS: dict[str, Text] = {
    # Rating (PermenPANRB 6/2022)
    "above": T("Di atas ekspektasi", "Above expectations"),
    "meets": T("Sesuai ekspektasi", "Meets expectations"),
    "below": T("Di bawah ekspektasi", "Below expectations"),
    # Predicate
    "sangat_baik": T("Sangat Baik", "Outstanding"),
    "baik": T("Baik", "Good"),
    "butuh_perbaikan": T("Butuh Perbaikan", "Needs improvement"),
    "kurang": T("Kurang/Misconduct", "Poor/Misconduct"),
    "sangat_kurang": T("Sangat Kurang", "Very poor"),
    # BerAKHLAK core values
    "berorientasi_pelayanan": T("Berorientasi Pelayanan", "Service-oriented"),
    "akuntabel": T("Akuntabel", "Accountable"),
    "kompeten": T("Kompeten", "Competent"),
    "harmonis": T("Harmonis", "Harmonious"),
    "loyal": T("Loyal", "Loyal"),
    "adaptif": T("Adaptif", "Adaptive"),
    "kolaboratif": T("Kolaboratif", "Collaborative"),
    # Indicator aspects
    "quantity": T("Kuantitas", "Quantity"),
    "quality": T("Kualitas", "Quality"),
    "time": T("Waktu", "Time"),
    "cost": T("Biaya", "Cost"),
    # JPT perspectives
    "service_recipients": T("Perspektif Penerima Layanan", "Service recipients perspective"),
    "internal": T("Perspektif Penguatan Internal", "Internal strengthening perspective"),
    "business_process": T("Perspektif Proses Bisnis", "Business process perspective"),
    "budget": T("Perspektif Anggaran", "Budget perspective"),
    # Follow-up kinds and statuses
    "award": T("Penghargaan", "Award"),
    "promotion": T("Promosi", "Promotion"),
    "development": T("Pengembangan kompetensi", "Competence development"),
    "sanction": T("Sanksi", "Sanction"),
    "none": T("Tidak ada tindak lanjut", "No follow-up"),
    "proposed": T("Diusulkan", "Proposed"),
    "approved": T("Disetujui", "Approved"),
    "rejected": T("Ditolak", "Rejected"),
    # Appeal outcomes
    "upheld": T("Hasil dipertahankan", "Result upheld"),
    "revised": T("Hasil diubah", "Result revised"),
    # Roles
    "staff": T("Pegawai", "Staff"),
    "employee": T("Pegawai", "Employee"),
    "supervisor": T("Pejabat penilai kinerja", "Supervisor"),
    "appraiser": T("Pejabat penilai kinerja", "Appraiser"),
    "appeal_reviewer": T("Atasan pejabat penilai", "Appeal reviewer"),
    "panel": T("Tim penilai kinerja", "Performance panel"),
    "authority": T("Pejabat pembina kepegawaian", "Appointing authority"),
    "inspector": T("Inspektorat", "Inspector"),
    "hr_admin": T("Admin kepegawaian (BKPSDM)", "HR administrator (BKPSDM)"),
    "system": T("Sistem", "System"),
    # Capacities on the timeline: who acted as what when they acted (issue #14)
    "plt_appraiser": T("Plt pejabat penilai kinerja", "Acting appraiser (Plt)"),
    "plh_appraiser": T("Plh pejabat penilai kinerja", "Acting appraiser (Plh)"),
    "plt_appeal_reviewer": T("Plt atasan pejabat penilai", "Acting appeal reviewer (Plt)"),
    "plh_appeal_reviewer": T("Plh atasan pejabat penilai", "Acting appeal reviewer (Plh)"),
    "former_appraiser": T("Pejabat penilai sebelumnya", "Previous appraiser"),
    # Causes of a change of appraiser (serah terima)
    "acting_appointed": T("Penunjukan Plt/Plh", "Acting official appointed"),
    "acting_ended": T("Berakhirnya Plt/Plh", "Acting appointment ended"),
    "supervisor_change": T("Pergantian atasan langsung", "Supervisor changed"),
    "transfer": T("Mutasi", "Transfer"),
    "organisation": T("Perubahan organisasi", "Organisation change"),
    "plt": T("Pelaksana Tugas (Plt)", "Acting official (Plt)"),
    "plh": T("Pelaksana Harian (Plh)", "Daily acting official (Plh)"),
    # Cycle statuses and bulk jobs
    "open": T("Dibuka", "Open"),
    "closed": T("Ditutup", "Closed"),
    "queued": T("Menunggu", "Queued"),
    "running": T("Berjalan", "Running"),
    "done": T("Selesai", "Done"),
    "failed": T("Gagal", "Failed"),
    # Audited changes that are not transitions (audit event actions)
    "appraisal.created": T("Penilaian dibuka", "Appraisal opened"),
    "appraisal.reassigned": T("Pejabat penilai diganti", "Appraiser reassigned"),
    "plan_item.created": T("Rencana hasil kerja ditambahkan", "Result item added"),
    "plan_item.updated": T("Rencana hasil kerja diubah", "Result item changed"),
    "plan_item.deleted": T("Rencana hasil kerja dihapus", "Result item deleted"),
    "plan_annex.set": T("Lampiran SKP diubah", "Plan annex changed"),
    "behaviour_expectations.set": T("Ekspektasi perilaku ditetapkan", "Behaviour expectations set"),
    "check_in.recorded": T("Realisasi berkala dicatat", "Check-in recorded"),
    "check_in.feedback_given": T("Umpan balik berkala diberikan", "Check-in feedback given"),
    "evidence.added": T("Bukti dukung ditambahkan", "Evidence added"),
    "peer_feedback.requested": T("Umpan balik rekan diminta", "Peer feedback requested"),
    "peer_feedback.received": T("Umpan balik rekan diterima", "Peer feedback received"),
    "peer_feedback.submitted": T("Umpan balik rekan dikirim", "Peer feedback submitted"),
    "survey_result.imported": T("Hasil survei diimpor", "Survey result imported"),
    "survey_results.imported": T("Hasil survei diimpor", "Survey results imported"),
    "curve.override": T("Pengecualian kurva distribusi", "Distribution curve override"),
    "organisation_predicate.set": T("Predikat unit ditetapkan", "Unit predicate set"),
    "curve_flag.acknowledged": T(
        "Penanda kurva setelah keberatan ditanggapi",
        "Curve flag after an appeal acknowledged",
    ),
    "employee.left": T("Pegawai berhenti", "Employee left"),
    "employee.supervisor_changed": T("Atasan langsung diganti", "Supervisor changed"),
    "employee.transferred": T("Pegawai dimutasi", "Employee transferred"),
    "appraisal.handover_noted": T("Catatan serah terima ditulis", "Handover note written"),
    "acting.appointed": T("Plt/Plh ditunjuk", "Acting official appointed"),
    "acting.ended": T("Plt/Plh berakhir", "Acting appointment ended"),
    # Issued documents
    "skp": T("Sasaran Kinerja Pegawai (SKP)", "Performance plan (SKP)"),
    "evaluation": T("Dokumen Evaluasi Kinerja", "Performance evaluation document"),
    # Check-in frequencies
    "monthly": T("Bulanan", "Monthly"),
    "quarterly": T("Triwulanan", "Quarterly"),
    # Organisation predicate (the curve)
    "istimewa": T("Istimewa", "Excellent"),
}


def label(code) -> str:
    """The code's label in the active language; unknown codes as they are."""
    text = LABELS.get(str(code))
    return str(text) if text is not None else str(code or "")


def period_name(period, cycle) -> str:
    """Period `period` of `cycle` as people name it ("Triwulan I", "Januari"), in the active
    language; templates: {{ e.period|period_name:a.cycle }}."""
    return str(period_name_text(cycle, period))
