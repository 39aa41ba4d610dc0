"""What Aktuelles makes searchable: published posts (their comments come with the engine)."""

from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy

from k360 import search
from k360.models import SearchDocument

from .models import Post


def _post_document(post: Post) -> search.SearchDoc | None:
    # A scheduled post is indexed now and found from its published_at on.
    if post.status != Post.Status.PUBLISHED:
        return None
    from forums.markdown import comment_plain_text

    return search.SearchDoc(
        title=post.title,
        lead=post.lead,
        body=comment_plain_text(post.body_html),
        context=post.get_category_display(),
        url=post.get_absolute_url(),
        published_at=post.published_at,
        audience=SearchDocument.Audience.PUBLIC,
    )


def _post_saved(sender, instance: Post, raw=False, **kwargs) -> None:
    # Comments name their post and follow its publication.
    if not raw:
        from forums.search import index_comments_of

        index_comments_of(instance)


def register() -> None:
    search.register(
        Post,
        kind="post",
        label=gettext_lazy("Aktuelles"),
        document=_post_document,
        queryset=lambda: Post.objects.all(),
    )
    post_save.connect(_post_saved, sender=Post, dispatch_uid="blog.search.post_saved")
