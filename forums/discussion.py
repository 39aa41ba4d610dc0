"""One page of a discussion: its threads in display order, sorting, filtering and permalinks."""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .forms import CommentForm
from .models import Comment, CommentRow, Stance, Subscription, is_moderator
from .rendering import Viewer, thread_html

THREADS_PER_PAGE = 30
SORTS = {
    "aelteste": (_("älteste zuerst"), ["created_at", "pk"]),
    "neueste": (_("neueste zuerst"), ["-created_at", "-pk"]),
    "antworten": (_("meiste Antworten"), ["-reply_count", "created_at", "pk"]),
}
DEFAULT_SORT = "aelteste"

# The targets comments may be attached to, as "app_label.model".
COMMENT_TARGETS: set[str] = {"forums.thesis", "forums.topic"}


def register_comment_target(label: str) -> None:
    """Another app (blog posts, event reports) makes its model commentable."""
    COMMENT_TARGETS.add(label)


@dataclass
class Thread:
    root: CommentRow
    comments: list[CommentRow] = field(default_factory=list)
    html: str = ""


def _roots(target, stance: str = ""):
    roots = Comment.objects.for_target(target).roots()
    if stance:
        roots = roots.filter(stance=stance)
    return roots


class ThreadPaginator(Paginator):
    """Pages of threads whose count came with the number of replies, in the same query."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def threads_page(target, *, sort: str, stance: str, page_number) -> tuple[Page, list[Thread]]:
    roots = _roots(target, stance)
    totals = roots.aggregate(threads=Count("pk"), replies=Sum("reply_count"))
    page = ThreadPaginator(
        roots.order_by(*SORTS[sort][1]).values_list("pk", flat=True),
        THREADS_PER_PAGE,
        count=totals["threads"],
    ).get_page(page_number)
    page.comment_count = totals["threads"] + (totals["replies"] or 0)
    root_ids = list(page.object_list)
    threads: list[Thread] = []
    by_root: dict[int, Thread] = {}
    for comment in Comment.objects.threads(root_ids):
        if comment.root_id not in by_root:
            by_root[comment.root_id] = Thread(root=comment)
            threads.append(by_root[comment.root_id])
        by_root[comment.root_id].comments.append(comment)
    return page, threads


def comment_page_number(comment: Comment) -> int:
    """The page a comment's thread is on in the default order, so permalinks survive paging."""
    root = comment.root if comment.root_id != comment.pk else comment
    before = (
        Comment.objects.filter(
            content_type_id=comment.content_type_id, object_id=comment.object_id, parent=None
        )
        .filter(Q(created_at__lt=root.created_at) | Q(created_at=root.created_at, pk__lt=root.pk))
        .count()
    )
    return before // THREADS_PER_PAGE + 1


def discussion_context(request: HttpRequest, target, *, form: CommentForm | None = None) -> dict:
    sort = request.GET.get("sortierung", DEFAULT_SORT)
    if sort not in SORTS:
        sort = DEFAULT_SORT
    stance = request.GET.get("haltung", "")
    if stance not in Stance.values:
        stance = ""
    page, threads = threads_page(
        target, sort=sort, stance=stance, page_number=request.GET.get("seite")
    )
    user = request.user
    refusal = target.comment_refusal(user) if user.is_authenticated else None
    moderator = is_moderator(user)
    viewer = Viewer.for_request(
        user, can_comment=user.is_authenticated and refusal is None, is_moderator=moderator
    )
    for thread in threads:
        thread.html = thread_html(thread.comments, viewer)
    content_type = ContentType.objects.get_for_model(target)
    query: dict[str, Any] = {}
    if sort != DEFAULT_SORT:
        query["sortierung"] = sort
    if stance:
        query["haltung"] = stance
    return {
        "target": target,
        "content_type_id": content_type.pk,
        "threads": threads,
        "page_obj": page,
        "sort": sort,
        "sorts": [(key, label) for key, (label, _order) in SORTS.items()],
        "stance": stance,
        "stances": Stance.choices,
        "stance_filterable": target.stance_required,
        "page_query": "&".join(f"{key}={value}" for key, value in query.items()),
        "comment_form": form
        or CommentForm(stance_required=target.stance_required, prefix_id="neu"),
        "can_comment": user.is_authenticated and refusal is None,
        "comment_refusal": refusal,
        "is_moderator": moderator,
        "is_subscribed": user.is_authenticated
        and Subscription.objects.filter(
            user=user, content_type=content_type, object_id=target.pk
        ).exists(),
    }


def stance_rows(target) -> list[tuple[str, str, int]]:
    """(sector, stance, count) of the visible opening comments, for the Meinungsbild."""
    return list(
        _roots(target)
        .public()
        .exclude(stance="")
        .values_list("author__sector", "stance")
        .annotate(n=Count("id"))
        .order_by()
    )
