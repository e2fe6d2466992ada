from django.urls import path

from . import views

urlpatterns = [
    path("", views.InboxListView.as_view(), name="notification-list"),
    path("unread-count/", views.UnreadCountView.as_view(), name="notification-unread-count"),
    path("read-all/", views.MarkAllReadView.as_view(), name="notification-read-all"),
    path("preferences/", views.PreferenceView.as_view(), name="notification-preferences"),
    path("waiting/", views.WaitingView.as_view(), name="notification-waiting"),
    path("<int:pk>/read/", views.MarkReadView.as_view(), name="notification-read"),
]
