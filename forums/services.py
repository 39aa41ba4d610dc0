from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from k360.broker import enqueue
from k360.mail import email_send
from network.models import User
from network.services import RateLimited

from .markdown import MAX_LENGTH, render_markdown
from .models import (
    MAX_DEPTH,
    PATH_STEP,
    Comment,
    Flag,
    Forum,
    Stance,
    Subscription,
    Topic,
    is_moderator,
)

COMMENT_LIMIT = 10
COMMENT_LIMIT_WINDOW = timedelta(minutes=10)
FLAGS_TO_HIDE = 3


def edit_refusal() -> str:
    return _(
        "Beiträge lassen sich nur in den ersten 30 Minuten von ihren Verfasser:innen bearbeiten."
    )


def has_verified_email(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Bitte schreiben Sie einen Text."), code="empty")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("Der Text ist zu lang: höchstens %(max)s Zeichen, Ihrer hat %(length)s.")
            % {
                "max": f"{MAX_LENGTH:,}".replace(",", "."),
                "length": f"{len(text):,}".replace(",", "."),
            },
            code="too_long",
        )
    return text


def _check_may_write(user, target) -> None:
    if not user.is_authenticated:
        raise PermissionDenied(_("Bitte melden Sie sich an, um mitzudiskutieren."))
    if not has_verified_email(user):
        raise PermissionDenied(_("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse."))
    if refusal := target.comment_refusal(user):
        raise PermissionDenied(refusal)


def _check_rate(author: User) -> None:
    # The author's row is locked, so parallel posts cannot slip past the limit together.
    User.objects.select_for_update().filter(pk=author.pk).first()
    since = timezone.now() - COMMENT_LIMIT_WINDOW
    if Comment.objects.filter(author=author, created_at__gte=since).count() >= COMMENT_LIMIT:
        raise RateLimited(
            _(
                "Sie haben in den letzten zehn Minuten schon %(limit)d Beiträge geschrieben. "
                "Bitte warten Sie einen Moment."
            )
            % {"limit": COMMENT_LIMIT}
        )


def comment_create(
    *, author: User, target: Any, text: str, stance: str = "", parent: Comment | None = None
) -> Comment:
    """Post a comment on a target (a thesis, topic, post or report), or a reply to one."""
    _check_may_write(author, target)
    source = _clean_text(text)
    content_type = ContentType.objects.get_for_model(target)
    if parent is not None:
        if (parent.content_type_id, parent.object_id) != (content_type.pk, target.pk):
            raise ValidationError(_("Diese Antwort gehört zu einer anderen Diskussion."))
        if parent.state != Comment.State.VISIBLE:
            raise PermissionDenied(_("Auf diesen Beitrag kann nicht mehr geantwortet werden."))
        stance = ""
    elif target.stance_required:
        if stance not in Stance.values:
            raise ValidationError(
                _("Bitte wählen Sie Ihre Haltung: Zustimmung, Ergänzung oder Gegenrede."),
                code="stance",
            )
    else:
        stance = ""

    with transaction.atomic():
        _check_rate(author)
        comment = comment_insert(
            target=target, author=author, source=source, stance=stance, parent=parent
        )
        transaction.on_commit(lambda: _notify_later(comment.pk))
    return comment


def _notify_later(comment_id: int) -> None:
    """Notify through a worker; with the broker away, write the emails to the outbox here: they
    go out once it is back, and the comment's author does not see an error."""
    from .tasks import notify_comment

    if not enqueue(notify_comment, comment_id):
        with transaction.atomic():
            comment_notify(comment_id=comment_id)


def comment_insert(
    *,
    target: Any,
    author: User | None,
    source: str,
    stance: str = "",
    parent: Comment | None = None,
    created_at=None,
) -> Comment:
    """Place a checked comment in the tree; comment_create checks, seed data calls this directly."""
    # On the deepest level a reply is placed beside the comment it answers.
    tree_parent, reply_to = parent, None
    if parent is not None and parent.depth >= MAX_DEPTH:
        tree_parent, reply_to = parent.parent, parent
    with transaction.atomic():
        comment = Comment.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            parent=tree_parent,
            root_id=tree_parent.root_id if tree_parent else None,
            reply_to=reply_to,
            depth=tree_parent.depth + 1 if tree_parent else 0,
            author=author,
            source=source,
            html=render_markdown(source),
            stance=stance,
            created_at=created_at or timezone.now(),
        )
        # The path ends in the comment's own key: concurrent replies to one comment can never
        # collide, and siblings sort in the order they were written.
        comment.path = (tree_parent.path if tree_parent else "") + f"{comment.pk:0{PATH_STEP}d}/"
        comment.root_id = comment.root_id or comment.pk
        Comment.objects.filter(pk=comment.pk).update(path=comment.path, root_id=comment.root_id)
        if tree_parent is not None:
            Comment.objects.filter(pk=comment.root_id).update(reply_count=F("reply_count") + 1)
        if isinstance(target, Topic):
            Topic.objects.filter(pk=target.pk).update(
                comment_count=F("comment_count") + 1, last_activity_at=comment.created_at
            )
    return comment


def comment_edit(*, comment: Comment, user: User, text: str) -> Comment:
    if not comment.can_edit(user):
        raise PermissionDenied(edit_refusal())
    source = _clean_text(text)
    comment.source = source
    comment.html = render_markdown(source)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["source", "html", "edited_at"])
    return comment


def comment_delete(*, comment: Comment, user: User) -> None:
    """The author removes their text; the thread and every reply stay."""
    if not user.is_authenticated or comment.author_id != user.pk:
        raise PermissionDenied(
            _("Nur die Verfasserin oder der Verfasser kann einen Beitrag löschen.")
        )
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if comment.children.exists():
            comment.state = Comment.State.DELETED
            comment.source = comment.html = ""
            comment.save(update_fields=["state", "source", "html"])
            return
        # Without replies nothing needs to stay; an emptied ancestor may now go too.
        pk, parent_id, root_id = comment.pk, comment.parent_id, comment.root_id
        comment.delete()
        if root_id != pk:
            Comment.objects.filter(pk=root_id).update(reply_count=F("reply_count") - 1)
        while parent_id is not None:
            parent = Comment.objects.select_for_update().get(pk=parent_id)
            if parent.state != Comment.State.DELETED or parent.children.exists():
                break
            parent_id = parent.parent_id
            parent.delete()
            if parent.pk != root_id:
                Comment.objects.filter(pk=root_id).update(reply_count=F("reply_count") - 1)


def comment_flag(*, comment: Comment, member: User, reason: str, text: str = "") -> Flag:
    if not member.is_authenticated:
        raise PermissionDenied(_("Bitte melden Sie sich an, um Beiträge zu melden."))
    if comment.author_id == member.pk:
        raise ValidationError(_("Eigene Beiträge können Sie löschen statt sie zu melden."))
    if reason not in Flag.Reason.values:
        raise ValidationError(_("Bitte wählen Sie einen Grund."))
    text = (text or "").strip()
    if reason == Flag.Reason.SONSTIGES and not text:
        raise ValidationError(_("Bitte beschreiben Sie kurz, was nicht stimmt."))
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        if Flag.objects.filter(comment=comment, member=member).exists():
            raise ValidationError(_("Sie haben diesen Beitrag bereits gemeldet."))
        flag = Flag.objects.create(comment=comment, member=member, reason=reason, text=text)
        comment.flag_count = Flag.objects.filter(comment=comment).count()
        comment.reviewed = False
        fields = ["flag_count", "reviewed"]
        if comment.flag_count >= FLAGS_TO_HIDE and comment.state == Comment.State.VISIBLE:
            comment.state = Comment.State.PENDING
            fields.append("state")
        comment.save(update_fields=fields)
    return flag


def _check_moderator(user: User) -> None:
    if not is_moderator(user):
        raise PermissionDenied(_("Nur die Moderation darf das."))


def comment_hide(*, comment: Comment, moderator: User, reason: str) -> Comment:
    _check_moderator(moderator)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Bitte begründen Sie, warum der Beitrag ausgeblendet wird."))
    with transaction.atomic():
        comment.state = Comment.State.HIDDEN
        comment.moderation_reason = reason
        comment.moderated_by = moderator
        comment.moderated_at = timezone.now()
        comment.reviewed = True
        comment.save(
            update_fields=["state", "moderation_reason", "moderated_by", "moderated_at", "reviewed"]
        )
        if comment.author and comment.author.is_active:
            email_send(
                template="forums/comment_hidden",
                to=[comment.author.email],
                context={"comment": comment, "reason": reason, "target": comment.target},
            )
    return comment


def comment_restore(*, comment: Comment, moderator: User) -> Comment:
    _check_moderator(moderator)
    comment.state = Comment.State.VISIBLE
    comment.moderation_reason = ""
    comment.moderated_by = moderator
    comment.moderated_at = timezone.now()
    comment.reviewed = True
    comment.save(
        update_fields=["state", "moderation_reason", "moderated_by", "moderated_at", "reviewed"]
    )
    return comment


def comment_mark_reviewed(*, comment: Comment, moderator: User) -> Comment:
    _check_moderator(moderator)
    comment.reviewed = True
    comment.moderated_by = moderator
    comment.moderated_at = timezone.now()
    comment.save(update_fields=["reviewed", "moderated_by", "moderated_at"])
    return comment


def comment_notify(*, comment_id: int) -> int:
    """Email whoever was answered and the discussion's subscribers; never the author."""
    comment = (
        Comment.objects.select_related("author", "parent__author", "reply_to__author")
        .filter(pk=comment_id, state=Comment.State.VISIBLE)
        .first()
    )
    if comment is None:
        return 0
    target = comment.target
    sent: set[int] = {comment.author_id} if comment.author_id else set()
    answered = comment.reply_to or comment.parent
    count = 0
    if answered is not None and answered.author is not None:
        person = answered.author
        if person.pk not in sent and person.is_active and person.notify_replies:
            email_send(
                template="forums/reply",
                to=[person.email],
                context={
                    "comment": comment,
                    "answered": answered,
                    "target": target,
                    "user": person,
                },
            )
            count += 1
        sent.add(person.pk)
    subscribers = User.objects.filter(
        is_active=True,
        notify_forums=True,
        subscriptions__content_type=comment.content_type,
        subscriptions__object_id=comment.object_id,
    ).exclude(pk__in=sent)
    for person in subscribers:
        email_send(
            template="forums/new_comment",
            to=[person.email],
            context={"comment": comment, "target": target, "user": person},
        )
        count += 1
    return count


def subscription_set(*, user: User, target: Any, subscribed: bool) -> None:
    content_type = ContentType.objects.get_for_model(target)
    if subscribed:
        Subscription.objects.get_or_create(
            user=user, content_type=content_type, object_id=target.pk
        )
    else:
        Subscription.objects.filter(
            user=user, content_type=content_type, object_id=target.pk
        ).delete()


def topic_create(*, forum: Forum, author: User, title: str, text: str) -> Topic:
    if not forum.user_can_post(author):
        raise PermissionDenied(_("In diesem Forum können nur seine Mitglieder schreiben."))
    if not has_verified_email(author):
        raise PermissionDenied(_("Bitte bestätigen Sie zuerst Ihre E-Mail-Adresse."))
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("Bitte geben Sie dem Thema einen Titel."))
    source = _clean_text(text)
    with transaction.atomic():
        _check_rate(author)
        topic = Topic.objects.create(forum=forum, author=author, title=title, text=source)
        subscription_set(user=author, target=topic, subscribed=True)
    return topic


def topic_moderate(
    *, topic: Topic, moderator: User, pinned: bool | None = None, locked: bool | None = None
) -> Topic:
    _check_moderator(moderator)
    if pinned is not None:
        topic.is_pinned = pinned
    if locked is not None:
        topic.is_locked = locked
    topic.save(update_fields=["is_pinned", "is_locked"])
    return topic


def member_export(user: User) -> dict[str, Any]:
    """The member's part of /profil/daten/: their comments, topics, reports and subscriptions."""
    return {
        "kommentare": [
            {
                "geschrieben_am": comment.created_at.isoformat(),
                "bearbeitet_am": comment.edited_at.isoformat() if comment.edited_at else None,
                "haltung": comment.get_stance_display(),
                "status": comment.get_state_display(),
                "text": comment.source,
                "adresse": comment.get_absolute_url(),
            }
            for comment in Comment.objects.filter(author=user).order_by("created_at")
        ],
        "themen": [
            {"titel": topic.title, "text": topic.text, "eroeffnet_am": topic.created_at.isoformat()}
            for topic in Topic.objects.filter(author=user)
        ],
        "meldungen": [
            {
                "grund": flag.get_reason_display(),
                "erlaeuterung": flag.text,
                "gemeldet_am": flag.created_at.isoformat(),
                "kommentar": flag.comment.get_absolute_url(),
            }
            for flag in Flag.objects.filter(member=user).select_related("comment")
        ],
        "abonnements": [
            {"art": sub.content_type.model, "id": sub.object_id}
            for sub in Subscription.objects.filter(user=user).select_related("content_type")
        ],
    }
