from django.urls import path

from accord.partners import capability_views, requirement_views, views
from accord.partners.audit_urls import urlpatterns as audit_urlpatterns

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

# Capabilities, program requirements and the gap view (capability_views, requirement_views).
urlpatterns += [
    path(
        "sites/<int:site_id>/capabilities/",
        capability_views.site_capabilities_page,
        name="site_capabilities",
    ),
    path(
        "sites/<int:site_id>/capabilities/new/",
        capability_views.capability_create,
        name="capability_create",
    ),
    path(
        "sites/<int:site_id>/capabilities/profile/",
        capability_views.capability_profile_edit,
        name="capability_profile_edit",
    ),
    path("capabilities/search/", capability_views.capability_search, name="capability_search"),
    path("capabilities/<int:pk>/edit/", capability_views.capability_edit, name="capability_edit"),
    path(
        "capabilities/<int:pk>/retire/",
        capability_views.capability_retire,
        name="capability_retire",
    ),
    path(
        "programs/<int:pk>/requirements/",
        requirement_views.program_requirements,
        name="program_requirements",
    ),
    path(
        "programs/<int:pk>/requirements/new/",
        requirement_views.requirement_create,
        name="requirement_create",
    ),
    path(
        "requirements/<int:pk>/edit/",
        requirement_views.requirement_edit,
        name="requirement_edit",
    ),
    path(
        "requirements/<int:pk>/retire/",
        requirement_views.requirement_retire,
        name="requirement_retire",
    ),
    path("programs/<int:pk>/gaps/", requirement_views.program_gaps, name="program_gaps"),
]
# The audit pages (issue 14, item 5).
urlpatterns += audit_urlpatterns
