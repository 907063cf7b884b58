from django.urls import path

from . import exchange_views

app_name = "reports"

urlpatterns = [
    # --- exchange (maatwerk-case/1 import and export; docs/exchange.md) -------------
    path("exchange/", exchange_views.exchange, name="exchange"),
    path("exchange/jobs/<int:pk>/", exchange_views.job, name="exchange_job"),
    path("exchange/export/", exchange_views.export, name="exchange_export"),
    # --- end of exchange --------------------------------------------------------------
]
