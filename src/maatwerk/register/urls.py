from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("<slug:slug>/", views.organisation_view, name="organisation_detail"),
]
