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
        "scorecards/<int:template_id>/<int:rated_id>/<str:month>/<str:metric>/",
        views.scorecard_drill,
        name="scorecard_drill",
    ),
]
