from django.urls import path

from .views import cases, emergency, plans

app_name = "cases"
urlpatterns = [
    path("", cases.case_list, name="case_list"),
    path("new/", cases.case_create, name="case_create"),
    path("emergency/", emergency.emergency_access, name="emergency_access"),
    path("emergency/<int:pk>/review/", emergency.emergency_review, name="emergency_review"),
    path("<int:pk>/", cases.case_detail, name="case_detail"),
    path("<int:pk>/perspective/", cases.perspective_add, name="perspective_add"),
    path("<int:pk>/identity/", cases.identity_edit, name="identity_edit"),
    path("<int:pk>/status/", cases.case_status, name="case_status"),
    path("<int:pk>/plans/new/", plans.plan_edit, name="plan_create"),
    path("<int:pk>/plans/<int:plan_id>/", plans.plan_detail, name="plan_detail"),
    path("<int:pk>/plans/<int:plan_id>/edit/", plans.plan_edit, name="plan_edit"),
    path("<int:pk>/plans/<int:plan_id>/pdf/", plans.plan_pdf_view, name="plan_pdf"),
    path("<int:pk>/plans/<int:plan_id>/agreement/", plans.agreement_add, name="agreement_add"),
    path(
        "<int:pk>/plans/<int:plan_id>/actions/<int:action_id>/done/",
        plans.action_done,
        name="action_done",
    ),
    path(
        "<int:pk>/plans/<int:plan_id>/documents/",
        plans.plan_documents_page,
        name="plan_documents",
    ),
    path(
        "<int:pk>/plans/<int:plan_id>/documents/<int:doc_id>/",
        plans.plan_document_download,
        name="plan_document",
    ),
    path("actions/", cases.my_actions, name="my_actions"),
]
