from django.urls import path

from accord.partners import audit_change_views as changes
from accord.partners import audit_views as views

urlpatterns = [
    path("audits/", views.audit_list, name="audit_list"),
    path("audits/new/", views.audit_create, name="audit_create"),
    path("audits/<int:pk>/", views.audit_detail, name="audit_detail"),
    path("audits/<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("audits/<int:pk>/cancel/", changes.audit_cancel, name="audit_cancel"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", changes.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/eightd/", views.finding_eightd_request, name="finding_eightd_request"),
    path("findings/<int:pk>/eightd/fill/", views.finding_discipline, name="finding_discipline"),
    path(
        "findings/<int:pk>/evidence/upload/",
        views.finding_evidence_upload,
        name="finding_evidence_upload",
    ),
    path(
        "findings/<int:pk>/evidence/<int:evidence_id>/",
        views.finding_evidence,
        name="finding_evidence",
    ),
    path("findings/<int:pk>/submit/", views.finding_submit, name="finding_submit"),
    path("findings/<int:pk>/acknowledge/", views.finding_acknowledge, name="finding_acknowledge"),
    path("findings/<int:pk>/verify/", views.finding_verify, name="finding_verify"),
    path("findings/<int:pk>/reject/", views.finding_reject, name="finding_reject"),
]
