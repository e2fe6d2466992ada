"""Every notification of a whole lifecycle renders, in Indonesian and in English."""

import pytest
from django.conf import settings
from django.utils import timezone

from notifications.models import DeadLetter, InboxItem, Message, Preference

from ..factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "greeting"), [("id", "Yth. "), ("en", "Dear ")])
def test_whole_lifecycle_renders_in_each_language(language, greeting, org, at_state, relay):
    for user in org.users.values():
        Preference.objects.create(user=user, language=language)
    appraisal = at_state("decided")
    relay()
    assert not DeadLetter.objects.exists()
    assert set(Message.objects.values_list("status", flat=True)) == {"delivered"}
    kinds = set(InboxItem.objects.values_list("kind", flat=True))
    assert {
        "appraisal.submit_plan",
        "appraisal.issue_result",
        "appraisal.approve_decision",
    } <= kinds
    for item in InboxItem.objects.all():
        assert item.subject.startswith("[Kinerja] ") and len(item.subject) > 15
        assert item.body.startswith(greeting), item.body
        assert "{{" not in item.body and "{%" not in item.body
        # Links lead to the page on the configured site, never the API (issue #16).
        assert f"{settings.KINERJA_SITE_URL}/appraisals/{appraisal.pk}/" in item.body
        assert "/api/" not in item.body
        assert "&#x27;" not in item.body + item.subject  # plain text, not HTML-escaped


@pytest.mark.parametrize(("language", "word"), [("id", "Pejabat penilai"), ("en", "appraiser")])
def test_reassignment_is_told_in_each_language(language, word, org, at_state, relay, api):
    plt = EmployeeFactory(unit=org.dinas, name="Plt Kabid", user__username="plt")
    Preference.objects.create(user=plt.user, language=language)
    appraisal = at_state("in_progress")
    relay()
    r = api(org.users["hr_admin"]).post(
        "/api/acting-assignments/",
        {
            "substitute": plt.pk,
            "replaces": org.appraiser.pk,
            "kind": "plt",
            "valid_from": timezone.localdate().isoformat(),
        },
        format="json",
    )
    assert r.status_code == 201, r.content
    relay()
    item = InboxItem.objects.get(user=plt.user, kind="appraisal.reassigned")
    assert word in item.subject + item.body and "Plt Kabid" in item.body
    assert f"{settings.KINERJA_SITE_URL}/appraisals/{appraisal.pk}/" in item.body
    assert InboxItem.objects.filter(user=org.users["appraiser"], kind="appraisal.reassigned")
