from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    # --- the report page and report jobs (reportui: docs/report-page.md) ---
    path("", views.report, name="report"),
    path("jobs/new/", views.job_start, name="job_start"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    # --- end of the report page's routes ---
]
