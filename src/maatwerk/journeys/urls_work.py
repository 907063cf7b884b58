from django.urls import path

from . import views_work

urlpatterns = [
    path(
        "cases/<int:case_pk>/requests/new/",
        views_work.request_create,
        name="request_create",
    ),
    path("cases/<int:case_pk>/timeline/", views_work.timeline, name="timeline"),
    path("requests/<int:pk>/", views_work.request_detail, name="request_detail"),
    path("queue/", views_work.queue, name="queue"),
]
