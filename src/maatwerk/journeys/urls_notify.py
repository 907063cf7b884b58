from django.urls import path

from . import views_notify

urlpatterns = [
    path("notifications/", views_notify.notification_list, name="notifications"),
    path("notifications/read/", views_notify.mark_all_read, name="notifications_read"),
]
