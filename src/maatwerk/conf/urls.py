from django.contrib import admin
from django.urls import include, path

from maatwerk.web import views as web_views

admin.site.site_header = "Maatwerk – functioneel beheer"
admin.site.site_title = "Maatwerk"
admin.site.login = web_views.admin_login_redirect
admin.site.has_permission = web_views.admin_has_permission

urlpatterns = [
    path("", include("maatwerk.web.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("maatwerk.accounts.urls")),
    path("register/", include("maatwerk.register.urls")),
    path("cases/", include("maatwerk.cases.urls")),
    path("journeys/", include("maatwerk.journeys.urls")),
    path("notifications/", include("maatwerk.notices.urls")),
    path("meetings/", include("maatwerk.meetings.urls")),
    path("budget/", include("maatwerk.budgets.urls")),
    path("learning/", include("maatwerk.learning.urls")),
    path("reports/", include("maatwerk.reports.urls")),
    path("signals/", include("maatwerk.early_signals.urls")),
    path("audit/", include("maatwerk.audit.urls")),
    path("api/", include("maatwerk.api.urls")),
    path("beheer/", admin.site.urls),
    path("oidc/", include("maatwerk.accounts.oidc_urls")),
]

handler403 = "maatwerk.web.views.permission_denied"
handler404 = "maatwerk.web.views.page_not_found"
handler500 = "maatwerk.web.views.server_error"
