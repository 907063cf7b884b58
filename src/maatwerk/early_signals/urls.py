from django.urls import path

from .views import feedback, rules, triage, uploads

app_name = "early_signals"
urlpatterns = [
    path("", triage.queue, name="queue"),
    path("bundles/<int:pk>/", triage.bundle_detail, name="bundle_detail"),
    path("upload/", uploads.upload_create, name="upload"),
    path("uploads/<int:pk>/", uploads.upload_detail, name="upload_detail"),
    path("template.<str:kind>", uploads.template_download, name="template"),
    path("rules/", rules.rules, name="rules"),
    path("feedback/<int:pk>.csv", feedback.feedback_export, name="feedback"),
]
