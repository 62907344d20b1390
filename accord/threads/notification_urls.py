from django.urls import path

from accord.threads import notification_views as views

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.notification_read_all, name="notification_read_all"),
    path("inbox/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("inbox/<int:pk>/mute/", views.notification_mute, name="notification_mute"),
    path("notifications/settings/", views.notification_settings, name="notification_settings"),
    path(
        "notifications/mutes/<int:pk>/remove/",
        views.notification_unmute,
        name="notification_unmute",
    ),
    path(
        "notifications/unsubscribe/<str:token>/",
        views.notification_unsubscribe,
        name="notification_unsubscribe",
    ),
]
