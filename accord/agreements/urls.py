from django.urls import path

from accord.agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreement_list"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:pk>/terms/", views.agreement_terms, name="agreement_terms"),
    path("agreements/<int:pk>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/<int:pk>/diff/", views.agreement_diff, name="agreement_diff"),
    path(
        "agreements/<int:pk>/versions/<int:number>/",
        views.agreement_version,
        name="agreement_version",
    ),
]
