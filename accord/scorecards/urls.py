from django.urls import path

from accord.scorecards import views

urlpatterns = [
    path("scorecards/", views.scorecard_index, name="scorecard_index"),
    path("scorecards/definitions/", views.scorecard_definitions, name="scorecard_definitions"),
    path(
        "scorecards/template/<str:direction>/",
        views.scorecard_template,
        name="scorecard_template",
    ),
    path(
        "scorecards/template/<str:direction>/retire/",
        views.scorecard_template_retire,
        name="scorecard_template_retire",
    ),
    path(
        "scorecards/template/<str:direction>/reinstate/",
        views.scorecard_template_reinstate,
        name="scorecard_template_reinstate",
    ),
    path(
        "scorecards/<int:template_id>/<int:rated_id>/",
        views.scorecard_card,
        name="scorecard_card",
    ),
    path(
        "scorecards/<int:template_id>/<int:rated_id>/comments/",
        views.scorecard_comment,
        name="scorecard_comment",
    ),
    path(
        "scorecards/<int:template_id>/<int:rated_id>/attachments/<int:pk>/",
        views.scorecard_attachment,
        name="scorecard_attachment",
    ),
    path(
        "scorecards/<int:template_id>/<int:rated_id>/<str:month>/<str:metric>/",
        views.scorecard_drill,
        name="scorecard_drill",
    ),
]
