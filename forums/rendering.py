"""HTML of comments, built in Python: a page shows up to a few hundred of them, and the
template engine would spend most of the page's time on their markup (see bench/comments.py).

Every value from the database is escaped with html.escape; comment.html was sanitised with
nh3 when it was saved and is inserted as it is.
"""

from dataclasses import dataclass, field
from html import escape

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import Comment, CommentRow, Stance

_MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


def _labels() -> dict[str, str]:
    """The translated words of a comment, looked up once per page rather than per comment."""
    return {
        "answer": escape(_("Antwort")),
        "reply": escape(_("Antworten")),
        "edit": escape(_("Bearbeiten")),
        "delete": escape(_("Löschen")),
        "flag": escape(_("Melden")),
        "permalink": escape(_("Link zu diesem Beitrag")),
        "deleted": escape(_("Beitrag gelöscht")),
        "pending": escape(
            _("Dieser Beitrag wurde mehrfach gemeldet und wird von der Moderation geprüft.")
        ),
        "hidden": escape(_("Dieser Beitrag wurde von der Moderation ausgeblendet.")),
        "reply_to": _("Antwort an %(name)s"),
        "to": _("an %(name)s"),
        "edited": _("bearbeitet um %(time)s"),
        "stances": {key: escape(str(label)) for key, label in Stance.choices},
        "months": [_(month) for month in _MONTHS],
    }


@dataclass(frozen=True)
class Viewer:
    """What the person looking at the page may do; computed once per page."""

    user_id: int | None
    can_comment: bool
    is_moderator: bool
    # "/kommentare/", reversed once per page instead of once per comment and link.
    prefix: str = "/kommentare/"
    labels: dict = field(default_factory=dict)

    @classmethod
    def for_request(cls, user, *, can_comment: bool, is_moderator: bool) -> "Viewer":
        return cls(
            user_id=user.pk if user.is_authenticated else None,
            can_comment=can_comment,
            is_moderator=is_moderator,
            prefix=reverse("forums:comment-permalink", kwargs={"pk": 0})[: -len("0/")],
            labels=_labels(),
        )


def _when(moment, months: list[str]) -> str:
    local = timezone.localtime(moment)
    return f"{local.day}. {months[local.month - 1]} {local.year}, {local:%H:%M}"


def comment_html(comment: CommentRow, viewer: Viewer, *, just_posted: bool = False) -> SafeString:
    labels = viewer.labels or _labels()
    pk = comment.pk
    base = f"{viewer.prefix}{pk}/"
    anchor = f"kommentar-{pk}"
    author = escape(comment.author_name)
    parts = [
        f'<article class="comment comment--depth-{comment.depth}'
        f'{" comment--new" if just_posted else ""}" id="{anchor}" '
        f'aria-labelledby="{anchor}-autor"><header class="comment__head">'
        f'<h3 class="comment__author" id="{anchor}-autor">{author}'
    ]
    if comment.depth:
        parts.append(f'<span class="visually-hidden"> – {labels["answer"]}</span>')
    parts.append("</h3>")
    if comment.stance:
        parts.append(
            f'<span class="stance stance--{escape(comment.stance)}">'
            f"{labels['stances'].get(comment.stance, '')}</span>"
        )
    if comment.reply_to_id:
        name = comment.reply_to_name
        parts.append(
            f'<span class="comment__reply-to">{escape(labels["reply_to"] % {"name": name})}</span>'
        )
    parts.append(
        f'<a class="comment__time" href="{base}" title="{labels["permalink"]}">'
        f'<time datetime="{comment.created_at.isoformat()}">'
        f"{escape(_when(comment.created_at, labels['months']))}</time></a>"
    )
    if comment.edited_at:
        edited = labels["edited"] % {"time": f"{timezone.localtime(comment.edited_at):%H:%M}"}
        parts.append(f'<span class="comment__edited">{escape(edited)}</span>')
    parts.append("</header>")

    if comment.state == Comment.State.VISIBLE:
        parts.append(f'<div class="comment__body">{comment.html}</div>')
    elif comment.state == Comment.State.DELETED:
        parts.append(f'<p class="comment__removed">{labels["deleted"]}</p>')
    else:
        key = "pending" if comment.state == Comment.State.PENDING else "hidden"
        parts.append(f'<p class="comment__removed">{labels[key]}</p>')
        if viewer.is_moderator:
            parts.append(
                f'<div class="comment__body comment__body--moderated">{comment.html}</div>'
            )

    if viewer.user_id is not None and comment.state == Comment.State.VISIBLE:
        parts.append('<footer class="comment__actions">')
        if viewer.can_comment:
            to = escape(labels["to"] % {"name": comment.author_name})
            parts.append(
                f'<a href="{base}antworten/" hx-get="{base}antworten/" '
                f'hx-target="#antwort-{pk}" hx-swap="innerHTML">{labels["reply"]}'
                f'<span class="visually-hidden"> {to}</span></a>'
            )
        if comment.author_id == viewer.user_id:
            if timezone.now() < comment.editable_until():
                parts.append(f'<a href="{base}bearbeiten/">{labels["edit"]}</a>')
            parts.append(f'<a href="{base}loeschen/">{labels["delete"]}</a>')
        else:
            parts.append(f'<a href="{base}melden/">{labels["flag"]}</a>')
        parts.append(f'</footer><div id="antwort-{pk}" class="comment__reply-slot"></div>')
    parts.append("</article>")
    return mark_safe("".join(parts))


def thread_html(comments: list[CommentRow], viewer: Viewer) -> SafeString:
    return mark_safe("".join(comment_html(comment, viewer) for comment in comments))
