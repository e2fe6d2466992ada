"""An appraisal with a full record, awaiting the appraiser's review (issue #16).

Two result items with indicators, check-ins in two quarters, periodic evaluations of
Triwulan I and II, a colleague's answered peer feedback, a unit survey result and the
employee's self-assessment, all written through the services as the real actors would.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from appraisals.models import SurveyResult
from appraisals.services.checkins import check_in_record
from appraisals.services.feedback import peer_feedback_request, peer_feedback_submit
from appraisals.services.periodic import periodic_evaluation_rate
from appraisals.services.plan import plan_item_create
from tests.factories import EmployeeFactory
from tests.flow import advance
from workflow.services import perform

ITEMS = (
    (
        "Meningkatnya mutu layanan pendidikan",
        [{"name": "Sekolah terakreditasi", "aspect": "quantity", "target": "12 sekolah"}],
    ),
    (
        "Tersusunnya laporan kinerja dinas tepat waktu",
        [{"name": "Laporan kinerja terbit", "aspect": "time", "target": "31 Januari"}],
    ),
)
REALISATIONS = ("11 sekolah terakreditasi B", "Laporan terbit 28 Januari")
SELF_RATINGS = ("meets", "above")
PEER_TEXT = "Selalu siap membantu rekan di bidang kurikulum."
SURVEY_SERVICE = "Layanan legalisir ijazah"
PERIODIC_FEEDBACK = "Triwulan II: laporan tepat waktu."


def record_world(org, appraisal):
    """The fixture appraisal, self-assessed, with everything the appraiser weighs."""
    employee, appraiser = org.users["employee"], org.users["appraiser"]
    for result, indicators in ITEMS:
        plan_item_create(appraisal=appraisal, actor=employee, result=result, indicators=indicators)
    appraisal = advance(appraisal, "in_progress", users=org.users)
    items = list(appraisal.plan_items.order_by("id").prefetch_related("indicators"))
    first, second = (item.indicators.get() for item in items)
    check_in_record(
        appraisal=appraisal,
        actor=employee,
        period=1,
        note="Awal tahun",
        entries=[{"indicator": first.pk, "realisation": "4 sekolah"}],
    )
    check_in_record(
        appraisal=appraisal,
        actor=employee,
        period=2,
        entries=[
            {"indicator": first.pk, "realisation": "8 sekolah"},
            {"indicator": second.pk, "realisation": "Draf laporan"},
        ],
    )
    appraisal.refresh_from_db()
    periodic_evaluation_rate(
        appraisal=appraisal,
        actor=appraiser,
        period=1,
        result_rating="meets",
        behaviour_rating="meets",
        feedback="Triwulan I sesuai ekspektasi.",
    )
    periodic_evaluation_rate(
        appraisal=appraisal,
        actor=appraiser,
        period=2,
        result_rating="below",
        behaviour_rating="below",
        feedback=PERIODIC_FEEDBACK,
    )
    peer = EmployeeFactory(unit=org.dinas, name="Rekan Sejawat", user__username="peer")
    appraisal.refresh_from_db()
    peer_feedback_request(appraisal=appraisal, actor=appraiser, peers=[peer.pk])
    request = appraisal.peer_feedback.get(peer=peer)
    peer_feedback_submit(request=request, actor=peer.user, text=PEER_TEXT)
    SurveyResult.objects.create(
        unit=org.dinas,
        cycle=appraisal.cycle,
        service=SURVEY_SERVICE,
        period="Semester I",
        score=Decimal("87.50"),
        respondents=120,
        imported_by=org.users["hr_admin"],
        imported_at=timezone.now() - dt.timedelta(days=1),
    )
    appraisal.refresh_from_db()
    perform(
        appraisal,
        "submit_self_assessment",
        actor=employee,
        payload={
            "items": [
                {"id": item.pk, "realisation": realisation, "self_rating": rating}
                for item, realisation, rating in zip(items, REALISATIONS, SELF_RATINGS, strict=True)
            ]
        },
    )
    appraisal.refresh_from_db()
    assert appraisal.state == "self_assessed"
    return appraisal
