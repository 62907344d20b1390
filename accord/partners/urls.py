from django.urls import path

from accord.partners import views

urlpatterns = [
    path("sites/<int:site_id>/certificates/", views.certificate_list, name="certificate_list"),
    path(
        "sites/<int:site_id>/certificates/new/",
        views.certificate_create,
        name="certificate_create",
    ),
    path("certificates/<int:pk>/", views.certificate_detail, name="certificate_detail"),
    path("certificates/<int:pk>/edit/", views.certificate_edit, name="certificate_edit"),
    path("certificates/<int:pk>/retire/", views.certificate_retire, name="certificate_retire"),
    path("certificates/<int:pk>/verify/", views.certificate_verify, name="certificate_verify"),
    path(
        "certificates/<int:pk>/evidence/upload/",
        views.certificate_evidence_upload,
        name="certificate_evidence_upload",
    ),
    path(
        "certificates/<int:pk>/evidence/", views.certificate_evidence, name="certificate_evidence"
    ),
]

# The audit pages (issue 14, item 5).
from accord.partners.audit_urls import urlpatterns as audit_urlpatterns  # noqa: E402

urlpatterns += audit_urlpatterns
