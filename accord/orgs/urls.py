from django.urls import path

from accord.orgs import views
from accord.orgs.views import changes, organisations, people

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/new/", changes.program_create, name="program_create"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/edit/", changes.program_edit, name="program_edit"),
    path("programs/<int:pk>/archive/", changes.program_archive, name="program_archive"),
    path("programs/<int:pk>/members/add/", views.program_member_add, name="program_member_add"),
    path(
        "programs/<int:pk>/members/<int:person_id>/remove/",
        views.program_member_remove,
        name="program_member_remove",
    ),
    path(
        "programs/<int:pk>/partners/add/",
        changes.program_partner_add,
        name="program_partner_add",
    ),
    path(
        "programs/<int:pk>/partners/<int:org_id>/remove/",
        changes.program_partner_remove,
        name="program_partner_remove",
    ),
    path("ndas/", views.nda_list, name="nda_list"),
    path("ndas/new/", changes.nda_create, name="nda_create"),
    path("ndas/<int:pk>/", views.nda_detail, name="nda_detail"),
    path("ndas/<int:pk>/amend/", changes.nda_amend, name="nda_amend"),
    path("ndas/<int:pk>/terminate/", changes.nda_terminate, name="nda_terminate"),
    path("ndas/<int:pk>/document", changes.nda_document, name="nda_document"),
    path("people/", people.people_list, name="people_list"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/invite/", people.person_invite, name="person_invite"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/deactivate/", people.person_deactivate, name="person_deactivate"),
    path("people/<int:pk>/reactivate/", people.person_reactivate, name="person_reactivate"),
    path("people/<int:pk>/new-link/", people.person_reissue, name="person_reissue"),
    path(
        "people/<int:pk>/signing-right/",
        people.person_signing_right,
        name="person_signing_right",
    ),
    path("invitations/<int:pk>/revoke/", people.invitation_revoke, name="invitation_revoke"),
    path("join/<str:secret>/", people.signup, name="signup"),
    path("organisation/", organisations.organisation_page, name="organisation_page"),
    path("organisation/partners/new/", organisations.partner_create, name="partner_create"),
    path(
        "organisation/connections/invite/",
        organisations.connection_invite,
        name="connection_invite",
    ),
    path(
        "organisation/connections/<int:pk>/accept/",
        organisations.connection_answer,
        {"accept": True},
        name="connection_accept",
    ),
    path(
        "organisation/connections/<int:pk>/decline/",
        organisations.connection_answer,
        {"accept": False},
        name="connection_decline",
    ),
]
