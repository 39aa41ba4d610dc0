from django.urls import path

from . import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.PostListView.as_view(), name="post-list"),
    path("feed/", feeds.PostFeed(), name="feed"),
    path("feed/atom/", feeds.PostAtomFeed(), name="feed-atom"),
    path("kategorie/<slug:category>/feed/", feeds.CategoryFeed(), name="category-feed"),
    path(
        "kategorie/<slug:category>/feed/atom/",
        feeds.CategoryAtomFeed(),
        name="category-feed-atom",
    ),
    path("vorschau/markdown/", views.markdown_preview, name="markdown-preview"),
    path("vorschau/<int:pk>/", views.post_preview, name="post-preview"),
    path("<slug:slug>/", views.post_detail, name="post-detail"),
]
