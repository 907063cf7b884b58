from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.point_list, name="point_list"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("patterns/", views.patterns, name="patterns"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("cases/<int:case_pk>/analysis/", views.analysis, name="analysis"),
]
