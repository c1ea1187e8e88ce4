"""The URL map. Each app owns its own patterns under a namespace."""

from django.urls import include, path, re_path

from openipt.api import views as api_views
from openipt.api.v1 import api as api_v1
from openipt.core import views as core_views
from openipt.offline import views as offline_views
from openipt.portal import urls as portal_urls
from openipt.practice import urls as practice_urls

urlpatterns = [
    path("", core_views.home_view, name="home"),
    path("healthz", core_views.healthz_view, name="healthz"),
    path("readyz", core_views.readyz_view, name="readyz"),
    path("metrics", core_views.metrics_view, name="metrics"),
    path("nav/count/<str:url_name>/", core_views.nav_count_view, name="nav_count"),
    path("account/", include("openipt.accounts.urls")),
    path("clients/", include("openipt.clients.urls")),
    path("audit/", include("openipt.audit.urls")),
    path("courses/", include("openipt.courses.urls")),
    path("assessment/", include("openipt.assessment.urls")),
    path("measures/", include("openipt.measures.urls")),
    path("safety/", include("openipt.safety.urls")),
    path("groups/", include("openipt.groups.urls")),
    path("supervision/", include("openipt.supervision.urls")),
    path("couples/", include("openipt.couples.urls")),
    path("consent/", include("openipt.consent.urls")),
    # The client's pages: the portal home (portal app) and the between-session pages (practice app) share /me/
    # and the "practice" namespace, so their addresses and names stay the ones people and the other apps know.
    path("me/", include((portal_urls.urlpatterns + practice_urls.urlpatterns, practice_urls.app_name))),
    path("today/", include("openipt.today.urls")),
    path("messages/", include("openipt.messaging.urls")),
    path("programme/", include("openipt.programmes.urls")),
    path("offline/", include("openipt.offline.urls")),
    path("sw.js", offline_views.service_worker_view, name="service_worker"),
    path("manifest.webmanifest", offline_views.manifest_view, name="manifest"),
    path("api/v1/", api_v1.urls),
    re_path(r"^api/v1/(?P<rest>.*)$", api_views.not_found_view),
    path("api/", include("openipt.api.urls")),
    path("fhir/", include("openipt.api.fhir.urls")),
]

handler400 = "openipt.core.views.bad_request"
handler403 = "openipt.core.views.permission_denied"
handler404 = "openipt.core.views.page_not_found"
handler500 = "openipt.core.views.server_error"
