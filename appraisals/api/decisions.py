"""The follow-ups (tindak lanjut) of an appraisal (issue #18: several per appraisal).

Read by whoever sees the appraisal; the authority names a waiting one's `id` as
`decision` when approving or rejecting while several wait. They are written only by
the appraisal's transitions (`propose_decision`, `approve_decision`, `reject_decision`).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from ..models import Decision
from ..selectors import appraisal_get_visible
from ..selectors.plan import decision_list_of


class DecisionSerializer(serializers.ModelSerializer):
    proposed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    decided_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = Decision
        fields = [
            "id",
            "kind",
            "details",
            "status",
            "proposed_by",
            "proposed_at",
            "decided_by",
            "decided_at",
            "decision_reason",
            "reference_number",
            "effective_date",
        ]
        read_only_fields = fields


class DecisionListView(APIView):
    @extend_schema(
        responses=DecisionSerializer(many=True),
        summary="The appraisal's follow-ups, oldest first (a waiting one is `proposed`)",
    )
    def get(self, request, pk: int):
        appraisal = appraisal_get_visible(user=request.user, pk=pk)
        return Response(DecisionSerializer(decision_list_of(appraisal=appraisal), many=True).data)
