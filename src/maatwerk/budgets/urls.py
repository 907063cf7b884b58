from django.urls import path

from . import views

app_name = "budgets"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export.<str:fmt>", views.export, name="export"),
    path("approvals/", views.approvals, name="approvals"),
    path("receivables/", views.receivables, name="receivables"),
    path("budgets/new/", views.budget_edit, name="budget_create"),
    path("budgets/<int:pk>/", views.budget_edit, name="budget_edit"),
    path("cases/<int:case_pk>/spend/", views.spend_create, name="spend_create"),
    path("spends/<int:pk>/", views.spend_detail, name="spend_detail"),
    path("spends/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("spends/<int:pk>/approve/", views.spend_approve, name="spend_approve"),
    path("spends/<int:pk>/refuse/", views.spend_refuse, name="spend_refuse"),
    path("spends/<int:pk>/reverse/", views.spend_reverse, name="spend_reverse"),
    path("spends/<int:pk>/settle/", views.spend_settle, name="spend_settle"),
]
