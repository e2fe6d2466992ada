"""Forms in a real browser (headless Chromium): a plan item's problem shows beside its field
with the input kept, and an item is edited in place (issue #16)."""

from __future__ import annotations

import pytest

from appraisals.models import Appraisal

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _below(page, field: str, message: str) -> bool:
    """The message sits under its field: starts below it, within its column."""
    f = page.locator(field).bounding_box()
    m = page.locator(message).bounding_box()
    return (
        f["y"] + f["height"] <= m["y"] <= f["y"] + f["height"] + 40
        and f["x"] - 1 <= m["x"] <= f["x"] + f["width"]
    )


def test_an_invalid_plan_item_shows_its_message_beside_the_field_then_is_edited(
    org, appraisal, passwords, browser
):
    b = browser
    page = b.login("employee")
    page = b.go(f"/appraisals/{appraisal.pk}/plan/")
    page.fill("#result", "Meningkatnya mutu layanan pendidikan dasar")
    page.fill("#indicator-0-name", "Sekolah terakreditasi B")
    page.select_option("#indicator-0-aspect", "quantity")
    # The target is left empty.
    page.click("#add-item")
    page.wait_for_selector("#indicator-0-target-error")
    b.shot("plan-item-invalid")
    assert page.inner_text("#indicator-0-target-error") == "Bidang ini tidak boleh kosong."
    assert page.get_attribute("#indicator-0-target", "aria-invalid") == "true"
    assert _below(page, "#indicator-0-target", "#indicator-0-target-error")
    assert "indicators[" not in page.content()
    # What was typed is still there.
    assert page.input_value("#result") == "Meningkatnya mutu layanan pendidikan dasar"
    assert page.input_value("#indicator-0-name") == "Sekolah terakreditasi B"
    assert page.input_value("#indicator-0-aspect") == "quantity"
    assert not Appraisal.objects.get(pk=appraisal.pk).plan_items.exists()

    page.fill("#indicator-0-target", "12 sekolah")
    page.click("#add-item")
    page.wait_for_selector("#plan-items >> text=Sekolah terakreditasi B")
    item = Appraisal.objects.get(pk=appraisal.pk).plan_items.get()

    # Editing: the form opens with the item's values; a second indicator is added.
    page.click(f"#edit-item-{item.pk}")
    page.wait_for_selector("#save-item")
    assert page.input_value("#indicator-0-target") == "12 sekolah"
    page.fill("#indicator-0-target", "15 sekolah")
    page.fill("#indicator-1-name", "Guru bersertifikat")
    page.select_option("#indicator-1-aspect", "quality")
    page.fill("#indicator-1-target", "")
    page.click("#save-item")
    page.wait_for_selector("#indicator-1-target-error")
    assert _below(page, "#indicator-1-target", "#indicator-1-target-error")
    assert page.input_value("#indicator-0-target") == "15 sekolah"
    page.fill("#indicator-1-target", "40 guru")
    page.click("#save-item")
    page.wait_for_selector("#plan-items >> text=40 guru")
    b.shot("plan-item-edited")
    assert page.locator("#plan-items >> text=15 sekolah").count() == 1
    assert sorted(item.indicators.values_list("target", flat=True)) == ["15 sekolah", "40 guru"]
