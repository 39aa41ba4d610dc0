from django.urls import path

from . import views

app_name = "forums"

urlpatterns = [
    path("thesen/", views.ThesisListView.as_view(), name="thesis-list"),
    path("thesen/<slug:slug>/", views.thesis_detail, name="thesis-detail"),
    path("foren/", views.ForumListView.as_view(), name="forum-list"),
    path("foren/<slug:forum>/", views.forum_detail, name="forum-detail"),
    path("foren/<slug:forum>/<int:pk>/", views.topic_detail, name="topic-detail"),
    path("foren/<slug:forum>/<int:pk>/moderieren/", views.topic_moderate, name="topic-moderate"),
    path(
        "diskussion/<int:content_type_id>/<int:object_id>/kommentieren/",
        views.comment_create,
        name="comment-create",
    ),
    path(
        "diskussion/<int:content_type_id>/<int:object_id>/abonnieren/",
        views.subscription_toggle,
        name="subscription-toggle",
    ),
    path("kommentare/<int:pk>/", views.comment_permalink, name="comment-permalink"),
    path("kommentare/<int:pk>/antworten/", views.comment_reply, name="comment-reply"),
    path("kommentare/<int:pk>/bearbeiten/", views.comment_edit, name="comment-edit"),
    path("kommentare/<int:pk>/loeschen/", views.comment_delete, name="comment-delete"),
    path("kommentare/<int:pk>/melden/", views.comment_flag, name="comment-flag"),
    path("moderation/", views.moderation_queue, name="moderation"),
    path(
        "moderation/<int:pk>/<slug:action>/",
        views.moderation_action,
        name="moderation-action",
    ),
]
