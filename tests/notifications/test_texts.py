"""Every notification of a whole lifecycle renders, in Indonesian and in English."""

import pytest

from notifications.models import DeadLetter, InboxItem, Message, Preference

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
        assert f"/api/appraisals/{appraisal.pk}/" in item.body
        assert "&#x27;" not in item.body + item.subject  # plain text, not HTML-escaped
