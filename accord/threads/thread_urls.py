from django.urls import path

from accord.threads import thread_views as views

urlpatterns = [
    path("programs/<int:program_id>/threads/", views.thread_list, name="thread_list"),
    path("programs/<int:program_id>/threads/new/", views.thread_create, name="thread_create"),
    path(
        "programs/<int:program_id>/escalation/",
        views.escalation_ladder,
        name="escalation_ladder",
    ),
    path("threads/<int:pk>/", views.thread_detail, name="thread_detail"),
    path("threads/<int:pk>/status/", views.thread_update, name="thread_update"),
    path("threads/<int:pk>/invite/", views.thread_invite, name="thread_invite"),
    path("threads/<int:pk>/posts/", views.thread_post, name="thread_post"),
    path("threads/<int:pk>/actions/", views.action_item_create, name="action_item_create"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/history/", views.post_history, name="post_history"),
    path("post-files/<int:pk>/", views.post_attachment, name="post_attachment"),
    path("actions/<int:pk>/status/", views.action_item_update, name="action_item_update"),
    path("actions/mine/", views.my_action_items, name="my_action_items"),
]
