from django.urls import path

from accord.planning import forecast_views, views

urlpatterns = [
    path("planning/", views.plan_index, name="plan_index"),
    path("planning/forecasts/", forecast_views.forecast_list, name="forecast_list"),
    path("planning/forecasts/<int:pk>/", forecast_views.forecast_detail, name="forecast_detail"),
    path(
        "planning/<int:program_id>/forecasts/share/",
        forecast_views.forecast_share,
        name="forecast_share",
    ),
    path("planning/<int:program_id>/", views.shortage_board, name="shortage_board"),
    path("planning/<int:program_id>/plan/", views.plan_refresh, name="plan_refresh"),
    path(
        "planning/<int:program_id>/clear-to-build/",
        views.clear_to_build_page,
        name="clear_to_build",
    ),
    path("planning/<int:program_id>/risks/", views.risk_register, name="risk_register"),
    path(
        "planning/<int:program_id>/risks/owner/",
        views.risk_owner_assign,
        name="risk_owner_assign",
    ),
    path(
        "planning/<int:program_id>/parts/<int:part_id>/",
        views.part_timeline_page,
        name="part_timeline",
    ),
    path(
        "planning/<int:program_id>/parts/<int:part_id>/alternates/",
        views.part_alternates,
        name="part_alternates",
    ),
    path(
        "planning/<int:program_id>/parts/<int:part_id>/alternates/propose/",
        views.alternate_propose,
        name="alternate_propose",
    ),
]
