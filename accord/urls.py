from django.urls import include, path

from accord.api.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("accord.web.urls")),
    path("", include("accord.core.urls")),
    path("", include("accord.orgs.urls")),
    path("", include("accord.parts.urls")),
    path("", include("accord.planning.urls")),
    path("", include("accord.supply.urls")),
    path("", include("accord.scorecards.urls")),
    path("", include("accord.agreements.urls")),
    path("", include("accord.partners.urls")),
    path("", include("accord.threads.notification_urls")),
    path("", include("accord.threads.thread_urls")),
    path("", include("accord.threads.checkin_urls")),
]

handler400 = "accord.web.views.bad_request"
handler404 = "accord.web.views.page_not_found"
handler500 = "accord.web.views.server_error"
