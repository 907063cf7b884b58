from django.urls import path

from . import views

app_name = "learning"
urlpatterns = [
    path("", views.point_list, name="point_list"),
    path("points/new/", views.point_create, name="point_create"),
    path("points/<int:pk>/", views.point_detail, name="point_detail"),
    path("patterns/", views.patterns, name="patterns"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("precedents/", views.precedent_search, name="precedent_search"),
    path("precedents/<int:pk>/", views.precedent_detail, name="precedent_detail"),
    path("cases/<int:case_pk>/precedent/", views.precedent_create, name="precedent_create"),
    path("cases/<int:case_pk>/analysis/", views.analysis, name="analysis"),
    path("cases/<int:case_pk>/precedents/link/", views.precedent_link, name="precedent_link"),
]
