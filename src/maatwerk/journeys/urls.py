from django.urls import path
from django.views.generic import RedirectView

from .views import decide, work

app_name = "journeys"
urlpatterns = [
    # The professional's side: requests, the timeline, the work queue.
    path("cases/<int:case_pk>/requests/new/", work.request_create, name="request_create"),
    path("cases/<int:case_pk>/timeline/", work.timeline, name="timeline"),
    path("requests/<int:pk>/", work.request_detail, name="request_detail"),
    path("queue/", work.queue, name="queue"),
    # The decision maker's side: the inbox and deciding.
    path("inbox/", decide.inbox, name="inbox"),
    path("inbox/<int:pk>/", decide.decide, name="decide"),
    # The notifications moved to their own app (maatwerk.notices): old links still work.
    path(
        "notifications/",
        RedirectView.as_view(pattern_name="notices:list"),
        name="notifications_moved",
    ),
]
