from django.urls import path

from accord.threads import checkin_views as views

urlpatterns = [
    path("programs/<int:program_id>/checkins/", views.checkin_list, name="checkin_list"),
    path("programs/<int:program_id>/checkins/new/", views.checkin_open, name="checkin_open"),
    path("checkins/<int:pk>/", views.checkin_detail, name="checkin_detail"),
    path("checkins/<int:pk>/items/", views.checkin_line, name="checkin_line"),
    path("checkins/<int:pk>/decisions/", views.checkin_decision, name="checkin_decision"),
    path("checkins/<int:pk>/actions/", views.checkin_action, name="checkin_action"),
    path(
        "checkins/<int:pk>/participants/",
        views.checkin_participant_add,
        name="checkin_participant_add",
    ),
    path(
        "checkins/<int:pk>/participants/remove/",
        views.checkin_participant_remove,
        name="checkin_participant_remove",
    ),
    path("checkins/<int:pk>/close/", views.checkin_close, name="checkin_close"),
    path("checkins/<int:pk>/minutes/", views.checkin_minutes, name="checkin_minutes"),
    path("agenda-items/<int:pk>/", views.checkin_item_update, name="checkin_item_update"),
]
