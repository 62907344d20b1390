from django.urls import path, re_path

from accord.parts import views

urlpatterns = [
    path("imports/", views.my_imports, name="my_imports"),
    path("parts/", views.part_list, name="part_list"),
    path("parts/import/", views.catalogue_import, name="catalogue_import"),
    path("parts/import/<int:pk>/", views.catalogue_import_preview, name="catalogue_import_preview"),
    path(
        "parts/import/<int:pk>/confirm/",
        views.catalogue_import_confirm,
        name="catalogue_import_confirm",
    ),
    path(
        "parts/import/<int:pk>/discard/",
        views.catalogue_import_discard,
        name="catalogue_import_discard",
    ),
    path(
        "parts/import/<int:pk>/progress/",
        views.catalogue_import_progress,
        name="catalogue_import_progress",
    ),
    path("parts/<int:pk>/", views.part_detail, name="part_detail"),
    path("parts/<int:pk>/edit/", views.part_edit, name="part_edit"),
    path(
        "parts/<int:pk>/lifecycle-notices/new/",
        views.part_lifecycle_notice,
        name="part_lifecycle_notice",
    ),
    path("parts/<int:pk>/sources/add/", views.part_source_add, name="part_source_add"),
    path(
        "parts/<int:pk>/sources/<int:source_id>/status/",
        views.part_source_status,
        name="part_source_status",
    ),
    path("boms/", views.bom_list, name="bom_list"),
    path("boms/import/", views.bom_import, name="bom_import"),
    path("boms/import/<int:pk>/", views.bom_import_preview, name="bom_import_preview"),
    path("boms/import/<int:pk>/confirm/", views.bom_import_confirm, name="bom_import_confirm"),
    path("boms/import/<int:pk>/discard/", views.bom_import_discard, name="bom_import_discard"),
    path("boms/import/<int:pk>/progress/", views.bom_import_progress, name="bom_import_progress"),
    path("boms/<int:pk>/", views.bom_detail, name="bom_detail"),
    path("boms/<int:pk>/status/", views.bom_status, name="bom_status"),
    re_path(
        r"^boms/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", views.bom_export, name="bom_export"
    ),
]
