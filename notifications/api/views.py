"""The in-app inbox: only the caller's notifications. Thin views over selectors and services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.response import Response
from rest_framework.views import APIView

from appraisals.policies import profile_of
from workflow.api.filters import query_flag

from ..digest import waiting_for
from ..models import InboxItem
from ..selectors import inbox_list, inbox_unread_count
from ..services import (
    inbox_item_mark_read,
    inbox_mark_all_read,
    preference_get,
    preference_update,
)
from .serializers import (
    InboxItemSerializer,
    MarkedSerializer,
    PreferenceSerializer,
    UnreadCountSerializer,
    WaitingItemSerializer,
)


@extend_schema(
    parameters=[
        OpenApiParameter("unread", bool, description="Only unread (true) or only read (false).")
    ],
    summary="My notifications, newest first",
)
class InboxListView(generics.ListAPIView):
    serializer_class = InboxItemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller
            return InboxItem.objects.none()
        return inbox_list(user=self.request.user, unread=query_flag(self.request, "unread"))


class UnreadCountView(APIView):
    @extend_schema(
        responses=UnreadCountSerializer, summary="How many of my notifications are unread"
    )
    def get(self, request):
        return Response({"unread": inbox_unread_count(user=request.user)})


class MarkReadView(APIView):
    @extend_schema(
        request=None, responses=InboxItemSerializer, summary="Mark one notification read"
    )
    def post(self, request, pk: int):
        item = inbox_item_mark_read(user=request.user, pk=pk)
        return Response(InboxItemSerializer(item).data)


class MarkAllReadView(APIView):
    @extend_schema(
        request=None, responses=MarkedSerializer, summary="Mark all my notifications read"
    )
    def post(self, request):
        return Response({"marked": inbox_mark_all_read(user=request.user)})


class PreferenceView(APIView):
    @extend_schema(responses=PreferenceSerializer, summary="My language and channels")
    def get(self, request):
        return Response(PreferenceSerializer(preference_get(user=request.user)).data)

    @extend_schema(
        request=PreferenceSerializer, responses=PreferenceSerializer, summary="Change them"
    )
    def patch(self, request):
        serializer = PreferenceSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        preference = preference_update(user=request.user, **serializer.validated_data)
        return Response(PreferenceSerializer(preference).data)


class WaitingView(APIView):
    @extend_schema(
        responses=WaitingItemSerializer(many=True),
        summary="What waits for me as appraiser or appeal reviewer, oldest first",
    )
    def get(self, request):
        employee_id = profile_of(request.user).employee_id
        if employee_id is None:
            return Response([])
        items = waiting_for(employee_id=employee_id)[:200]
        return Response(WaitingItemSerializer(items, many=True).data)
