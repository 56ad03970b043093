"""URL map: each app mounts its own urls module; the API lives under /api/."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

urlpatterns = [
    path("", include("amparo.core.urls")),
    path("accounts/", include("amparo.accounts.urls")),
    path("registry/", include("amparo.registry.urls")),
    path("matching/", include("amparo.matching.urls")),
    path("crises/", include("amparo.crises.urls")),
    path("messaging/", include("amparo.messaging.urls")),
    path("protection/", include("amparo.protection.urls")),
    path("cases/", include("amparo.cases.urls")),
    path("tracing/", include("amparo.tracing.urls")),
    path("p/", include("amparo.portal.urls")),
    path("drills/", include("amparo.drills.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/", include("amparo.api.urls")),
]
