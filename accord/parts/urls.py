from django.urls import path, re_path

from accord.parts import views

urlpatterns = [
    path("parts/", views.part_list, name="part_list"),
    path("parts/<int:pk>/", views.part_detail, name="part_detail"),
    path("parts/<int:pk>/sources/add/", views.part_source_add, name="part_source_add"),
    path(
        "parts/<int:pk>/sources/<int:source_id>/status/",
        views.part_source_status,
        name="part_source_status",
    ),
    path("boms/", views.bom_list, name="bom_list"),
    path("boms/<int:pk>/", views.bom_detail, name="bom_detail"),
    re_path(
        r"^boms/(?P<pk>[0-9]+)/export\.(?P<fmt>csv|xlsx)$", views.bom_export, name="bom_export"
    ),
]
