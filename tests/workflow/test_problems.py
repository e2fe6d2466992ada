"""A serializer's errors as the bilingual problems clients show beside each field."""

import pytest
from django.utils import translation
from rest_framework import serializers

from workflow.services import serializer_problems
from workflow.text import Text
from workflow.translations import remember


class IndicatorIn(serializers.Serializer):
    name = serializers.CharField()
    aspect = serializers.ChoiceField(choices=["quality", "quantity"])


class ItemIn(serializers.Serializer):
    result = serializers.CharField()
    indicators = IndicatorIn(many=True)

    def validate(self, data):
        raise serializers.ValidationError("Seluruh butir ditolak.", code="item_refused")


def _problems(errors) -> list[tuple]:
    return [(p.code, p.field, p.message.id, p.message.en) for p in serializer_problems(errors)]


@pytest.mark.parametrize("language", ["en", "id"])
def test_nested_fields_are_named_by_their_path_and_told_in_both_languages(language):
    """DRF renders its messages in the active language; each problem carries both
    (issue #16: the English of 'Bidang ini harus diisi.' was the Indonesian text)."""
    item = ItemIn(data={"result": "", "indicators": [{"name": "x", "aspect": "speed"}, {}]})
    with translation.override(language):
        assert not item.is_valid()
    blank = ("Bidang ini tidak boleh kosong.", "This field may not be blank.")
    required = ("Bidang ini harus diisi.", "This field is required.")
    choice = ('"speed" tidak ada dalam daftar pilihan.', '"speed" is not a valid choice.')
    assert _problems(item.errors) == [
        ("blank", "result", *blank),
        ("invalid_choice", "indicators[0].aspect", *choice),
        ("required", "indicators[1].name", *required),
        ("required", "indicators[1].aspect", *required),
    ]


def test_a_bilingual_message_raised_in_one_language_keeps_both():
    text = Text(id="Satu butir dinilai dua kali.", en="An item is assessed twice.")
    with translation.override("id"):
        rendered = remember(text)
    assert _problems({"items": [rendered]}) == [
        ("invalid", "items", "Satu butir dinilai dua kali.", "An item is assessed twice.")
    ]


def test_errors_about_the_whole_body_have_no_field():
    item = ItemIn(data={"result": "Hasil", "indicators": [{"name": "x", "aspect": "quality"}]})
    assert not item.is_valid()
    text = "Seluruh butir ditolak."
    assert _problems(item.errors) == [("item_refused", None, text, text)]


def test_a_detail_that_carries_both_languages_keeps_them():
    class Detail(str):
        code = "too_late"
        bilingual = Text(id="Terlambat.", en="Too late.")

    # A ListField keys its children's errors by index in a dict.
    errors = {"entries": [{"period": [Detail("Too late.")]}], "note": "plain", "tags": {1: ["x"]}}
    assert _problems(errors) == [
        ("too_late", "entries[0].period", "Terlambat.", "Too late."),
        ("invalid", "note", "plain", "plain"),
        ("invalid", "tags[1]", "x", "x"),
    ]
