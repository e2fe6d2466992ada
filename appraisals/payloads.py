"""Payload schemas of the lifecycle's transitions (the body less `reason`)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from workflow.text import Text
from workflow.translations import remember

from .follow_up import kinds_allowed
from .predicate import Rating


def invalid(text: Text) -> serializers.ValidationError:
    # Raised in the request's language; `remember` lets the error shape find the other one.
    return serializers.ValidationError(remember(text), code="invalid")


SELF_RATING_MISSING = _("Choose a self rating for every result item.")


class ItemAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    realisation = serializers.CharField(max_length=10000)
    self_rating = serializers.ChoiceField(
        choices=Rating.choices,
        error_messages={"required": SELF_RATING_MISSING, "null": SELF_RATING_MISSING},
    )


class SelfAssessmentPayload(serializers.Serializer):
    items = ItemAssessmentSerializer(many=True, allow_empty=False)

    def validate_items(self, items):
        appraisal = self.context["obj"]
        expected = set(appraisal.plan_items.values_list("id", flat=True))
        given = [item["id"] for item in items]
        if len(given) != len(set(given)):
            raise invalid(
                Text(
                    id="Satu rencana hasil kerja dinilai dua kali.",
                    en="A result item is assessed twice.",
                )
            )
        missing, unknown = expected - set(given), set(given) - expected
        if missing:
            raise invalid(
                Text(
                    id=f"Belum dinilai: rencana hasil kerja {sorted(missing)}.",
                    en=f"Not assessed: result items {sorted(missing)}.",
                )
            )
        if unknown:
            raise invalid(
                Text(
                    id=f"Bukan rencana hasil kerja penilaian ini: {sorted(unknown)}.",
                    en=f"Not result items of this appraisal: {sorted(unknown)}.",
                )
            )
        return items


class ReviewPayload(serializers.Serializer):
    result_rating = serializers.ChoiceField(
        choices=Rating.choices,
        help_text=(
            "For the head of a unit whose organisation predicate is set for the cycle, the "
            "rating that predicate sets (PermenPANRB 6/2022: the unit's achievement is the "
            "head's result rating): istimewa -> above, baik -> meets, otherwise below; "
            "another is refused (400, unit_head_result_rating)."
        ),
    )
    behaviour_rating = serializers.ChoiceField(choices=Rating.choices)
    feedback = serializers.CharField(max_length=20000)


class DiscussionPayload(serializers.Serializer):
    summary = serializers.CharField(max_length=20000)
    held_at = serializers.DateTimeField()


class AppealPayload(serializers.Serializer):
    grounds = serializers.CharField(max_length=20000)


class AppealDecisionPayload(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[("upheld", "upheld"), ("revised", "revised")])
    result_rating = serializers.ChoiceField(choices=Rating.choices, required=False)
    behaviour_rating = serializers.ChoiceField(choices=Rating.choices, required=False)

    def validate(self, attrs):
        if attrs["outcome"] == "revised" and not (
            attrs.get("result_rating") and attrs.get("behaviour_rating")
        ):
            raise invalid(
                Text(
                    id="Hasil yang diubah memerlukan rating hasil kerja dan rating perilaku baru.",
                    en="A revised outcome needs new result and behaviour ratings.",
                )
            )
        return attrs


class DecisionProposalPayload(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=[(k, k) for k in ("award", "promotion", "development", "sanction", "none")]
    )
    details = serializers.CharField(max_length=20000, required=False, allow_blank=True)

    def validate_kind(self, kind):
        predicate = self.context["obj"].predicate
        allowed = kinds_allowed(predicate)
        if kind not in allowed:
            raise invalid(
                Text(
                    id=f"Tindak lanjut '{kind}' tidak sesuai untuk predikat '{predicate}'; "
                    f"yang sesuai: {', '.join(allowed)}.",
                    en=f"Follow-up '{kind}' does not fit predicate '{predicate}'; "
                    f"allowed: {', '.join(allowed)}.",
                )
            )
        return kind


class DecisionApprovalPayload(serializers.Serializer):
    """A decided follow-up carries its decree's number and effective date."""

    reference_number = serializers.CharField(max_length=100)
    effective_date = serializers.DateField()
