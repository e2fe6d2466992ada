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


DECISION_NOT_PENDING = Text(
    id="Usulan tindak lanjut ini tidak menunggu keputusan pada penilaian ini.",
    en="This follow-up proposal is not waiting for a decision on this appraisal.",
)
DECISION_REQUIRED = Text(
    id="Beberapa usulan tindak lanjut menunggu keputusan: pilih satu ({pending}).",
    en="Several follow-up proposals wait for a decision: choose one ({pending}).",
)


class DecisionChoicePayload(serializers.Serializer):
    """Which waiting proposal the authority decides (issue #18: several per appraisal).

    Optional while one proposal waits (a client of the contract sends none and
    decides that one, as before); required, naming a waiting proposal's id, when
    several wait. Validated data always carries the id decided.
    """

    decision = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text="The id of the waiting proposal decided; optional while only one waits.",
    )

    def validate(self, attrs):
        pending = list(
            self.context["obj"]
            .decisions.filter(status="proposed")
            .order_by("proposed_at", "pk")
            .values_list("pk", "kind")
        )
        chosen = attrs.get("decision")
        if chosen is not None:
            if chosen not in {pk for pk, _kind in pending}:
                raise _on_decision(DECISION_NOT_PENDING)
        elif len(pending) == 1:
            attrs["decision"] = pending[0][0]
        elif len(pending) > 1:
            named = ", ".join(f"{pk}: {kind}" for pk, kind in pending)
            raise _on_decision(DECISION_REQUIRED.format(pending=named))
        return attrs


def _on_decision(text: Text) -> serializers.ValidationError:
    return serializers.ValidationError({"decision": [remember(text)]}, code="invalid")


class DecisionApprovalPayload(DecisionChoicePayload):
    """A decided follow-up carries its decree's number and effective date."""

    reference_number = serializers.CharField(max_length=100)
    effective_date = serializers.DateField()
