"""What the discussion engine makes searchable: theses, statements, forum topics, comments."""

from django.contrib.auth import get_user_model
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from k360 import search
from k360.models import SearchDocument

from .markdown import comment_plain_text
from .models import Comment, Forum, Statement, Thesis, Topic

Audience = SearchDocument.Audience


def _thesis_document(thesis: Thesis) -> search.SearchDoc | None:
    if not thesis.is_published:
        return None
    body = comment_plain_text(thesis.body_html)
    if thesis.summary_html:
        body += "\n\n" + comment_plain_text(thesis.summary_html)
    return search.SearchDoc(
        title=str(thesis),
        lead=thesis.lead,
        body=body,
        url=thesis.get_absolute_url(),
        published_at=thesis.opens_at,
    )


def _statement_document(statement: Statement) -> search.SearchDoc | None:
    thesis = statement.thesis
    if not thesis.is_published:
        return None
    return search.SearchDoc(
        title=_("Stellungnahme von %(name)s zu These #%(number)s")
        % {"name": statement.name, "number": thesis.number},
        lead=statement.role,
        body=statement.text,
        url=statement.get_absolute_url(),
        published_at=thesis.opens_at,
    )


def _forum_audience(forum: Forum) -> dict:
    return {"audience": forum.visibility, "forum_id": forum.pk}


def _topic_document(topic: Topic) -> search.SearchDoc:
    return search.SearchDoc(
        title=topic.title,
        body=comment_plain_text(topic.text_html),
        url=topic.get_absolute_url(),
        published_at=topic.created_at,
        **_forum_audience(topic.forum),
    )


def _comment_document(comment: Comment) -> search.SearchDoc | None:
    if comment.state != Comment.State.VISIBLE:
        return None
    target = comment.target
    if target is None:
        return None
    if isinstance(target, Thesis):
        if not target.is_published:
            return None
        where = {"audience": Audience.PUBLIC}
    elif isinstance(target, Topic):
        where = _forum_audience(target.forum)
    else:
        # Targets of other apps (blog posts, reports) say who may see them; None hides.
        audience = getattr(target, "search_audience", Audience.PUBLIC)
        if audience is None:
            return None
        where = {"audience": audience}
    return search.SearchDoc(
        title=_("Kommentar von %(author)s") % {"author": comment.author_name},
        context=_("zu %(target)s") % {"target": target},
        body=comment_plain_text(comment.html),
        url=comment.get_absolute_url(),
        published_at=comment.created_at,
        **where,
    )


def _touches(update_fields, names: set[str]) -> bool:
    return update_fields is None or bool(names & set(update_fields))


def _thesis_saved(sender, instance: Thesis, raw=False, update_fields=None, **kwargs) -> None:
    # Statements and comments inherit the thesis' publication and name it in their titles.
    if not raw and _touches(update_fields, {"is_published", "opens_at", "number", "title"}):
        search.index_objects(instance.statements.select_related("thesis"))
        index_comments_of(instance)


def index_comments_of(target) -> None:
    """Re-index the visible comments of one target (any app's), e.g. when it is unpublished."""
    comments = list(Comment.objects.for_target(target).public().select_related("author"))
    for comment in comments:
        comment.target = target  # one target for all, not a query each
    search.index_objects(comments)


def _topic_saved(sender, instance: Topic, raw=False, update_fields=None, **kwargs) -> None:
    if not raw and _touches(update_fields, {"forum", "title"}):
        index_comments_of(instance)


def _forum_saved(sender, instance: Forum, raw=False, **kwargs) -> None:
    # A forum that turns private takes its topics and comments with it, in one statement.
    if not raw:
        SearchDocument.objects.filter(forum=instance).exclude(audience=instance.visibility).update(
            audience=instance.visibility
        )


def _user_deleting(sender, instance, **kwargs) -> None:
    # Deleting an account sets the author of comments to NULL without signals: remember
    # them, so their titles stop naming the person once the account is gone.
    instance._search_comment_ids = list(instance.comments.values_list("pk", flat=True))


def _user_deleted(sender, instance, **kwargs) -> None:
    ids = getattr(instance, "_search_comment_ids", [])
    if ids:
        search.index_objects(Comment.objects.filter(pk__in=ids))


def register() -> None:
    search.register(
        Thesis,
        kind="thesis",
        label=gettext_lazy("Thesen"),
        document=_thesis_document,
        queryset=lambda: Thesis.objects.all(),
    )
    search.register(
        Statement,
        kind="statement",
        label=gettext_lazy("Stellungnahmen"),
        document=_statement_document,
        queryset=lambda: Statement.objects.select_related("thesis"),
    )
    search.register(
        Topic,
        kind="topic",
        label=gettext_lazy("Forenthemen"),
        document=_topic_document,
        queryset=lambda: Topic.objects.select_related("forum"),
    )
    search.register(
        Comment,
        kind="comment",
        label=gettext_lazy("Kommentare"),
        document=_comment_document,
        queryset=lambda: (
            Comment.objects.public().select_related("author").prefetch_related("target")
        ),
    )
    post_save.connect(_thesis_saved, sender=Thesis, dispatch_uid="forums.search.thesis")
    post_save.connect(_topic_saved, sender=Topic, dispatch_uid="forums.search.topic")
    post_save.connect(_forum_saved, sender=Forum, dispatch_uid="forums.search.forum")
    user = get_user_model()
    pre_delete.connect(_user_deleting, sender=user, dispatch_uid="forums.search.user")
    post_delete.connect(_user_deleted, sender=user, dispatch_uid="forums.search.user")
