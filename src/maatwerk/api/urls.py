"""/api/v1/: the router over each app's ``api.py`` (docs/api.md)."""

from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from maatwerk.cases.api import CaseViewSet
from maatwerk.journeys.api import InboxViewSet, RequestViewSet
from maatwerk.register.api import OrganisationViewSet

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("cases", CaseViewSet, basename="case")
router.register("inbox", InboxViewSet, basename="inbox")
router.register("requests", RequestViewSet, basename="request")
router.register("register/organisations", OrganisationViewSet, basename="organisation")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/schema/", SpectacularAPIView.as_view(api_version="1.0.0"), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
