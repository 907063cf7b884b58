from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.log_search_view, name="log_search"),
    path("export.<str:fmt>", views.log_export, name="log_export"),
]
