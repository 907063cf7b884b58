from django.urls import path

from . import plan_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("new/", views.case_create, name="case_create"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/perspective/", views.perspective_add, name="perspective_add"),
    path("<int:pk>/identity/", views.identity_edit, name="identity_edit"),
    path("<int:pk>/status/", views.case_status, name="case_status"),
    path("<int:pk>/plans/new/", plan_views.plan_edit, name="plan_create"),
    path("<int:pk>/plans/<int:plan_id>/", plan_views.plan_detail, name="plan_detail"),
    path("<int:pk>/plans/<int:plan_id>/edit/", plan_views.plan_edit, name="plan_edit"),
    path("<int:pk>/plans/<int:plan_id>/pdf/", plan_views.plan_pdf_view, name="plan_pdf"),
    path(
        "<int:pk>/plans/<int:plan_id>/agreement/",
        plan_views.agreement_add,
        name="agreement_add",
    ),
]
