from django.urls import path
from django.views.generic import RedirectView

from .views import decide, letter, work

app_name = "journeys"
urlpatterns = [
    # The professional's side: requests, the timeline, the work queue.
    path("cases/<int:case_pk>/requests/new/", work.request_create, name="request_create"),
    path("cases/<int:case_pk>/timeline/", work.timeline, name="timeline"),
    path("requests/<int:pk>/", work.request_detail, name="request_detail"),
    path("requests/<int:pk>/forward/", work.request_forward, name="request_forward"),
    path("attachments/<int:pk>/", work.attachment_download, name="attachment"),
    # The letter to an organisation that does not use Maatwerk.
    path("requests/<int:pk>/letter/", letter.letter, name="letter"),
    path("requests/<int:pk>/letter.pdf", letter.letter_pdf_view, name="letter_pdf"),
    path("requests/<int:pk>/letter.txt", letter.letter_text_view, name="letter_text"),
    path("queue/", work.queue, name="queue"),
    # The decision maker's side: the inbox and deciding.
    path("inbox/", decide.inbox, name="inbox"),
    path("inbox/<int:pk>/", decide.decide, name="decide"),
    path("inbox/<int:pk>/plan-documents/<int:doc_id>/", decide.plan_document, name="plan_document"),
    # The notifications moved to their own app (maatwerk.notices): old links still work.
    path(
        "notifications/",
        RedirectView.as_view(pattern_name="notices:list"),
        name="notifications_moved",
    ),
]
