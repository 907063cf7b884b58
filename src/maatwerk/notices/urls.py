from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read/", views.mark_all_read, name="read_all"),
    path("preferences/", views.preferences, name="preferences"),
]
