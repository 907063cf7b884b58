from django.urls import path

from . import exchange_views, views

app_name = "reports"
urlpatterns = [
    # --- the report page and report jobs (docs/report-page.md) ---
    path("", views.report, name="report"),
    path("jobs/new/", views.job_start, name="job_start"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    # --- exchange (maatwerk-case/1 import and export; docs/exchange.md) ---
    path("exchange/", exchange_views.exchange, name="exchange"),
    path("exchange/jobs/<int:pk>/", exchange_views.job, name="exchange_job"),
    path("exchange/export/", exchange_views.export, name="exchange_export"),
]
