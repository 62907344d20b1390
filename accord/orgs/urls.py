from django.urls import path

from accord.orgs import views

urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("programs/<int:pk>/members/add/", views.program_member_add, name="program_member_add"),
    path(
        "programs/<int:pk>/members/<int:person_id>/remove/",
        views.program_member_remove,
        name="program_member_remove",
    ),
    path("ndas/", views.nda_list, name="nda_list"),
    path("ndas/<int:pk>/", views.nda_detail, name="nda_detail"),
    path("ndas/<int:pk>/document", views.nda_document, name="nda_document"),
]
