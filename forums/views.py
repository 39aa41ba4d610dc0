from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView

from k360.pagecache import anonymous_page_cache
from network.services import RateLimited

from . import services
from .charts import meinungsbild, meinungsbild_svg
from .discussion import (
    COMMENT_TARGETS,
    comment_page_number,
    discussion_context,
    stance_rows,
)
from .forms import CommentForm, EditForm, FlagForm, HideForm, ReplyForm, TopicForm
from .models import Comment, Forum, Thesis, Topic, is_moderator
from .rendering import Viewer, comment_html


def _target_or_404(content_type_id: int, object_id: int):
    try:
        content_type = ContentType.objects.get_for_id(content_type_id)
    except ContentType.DoesNotExist as exc:
        raise Http404 from exc
    if f"{content_type.app_label}.{content_type.model}" not in COMMENT_TARGETS:
        raise Http404
    try:
        return content_type.get_object_for_this_type(pk=object_id)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def _visible_target(request: HttpRequest, target):
    # A discussion one may not see is not there at all (404), not merely forbidden.
    if not target.user_can_view(request.user):
        raise Http404
    return target


def _comment_or_404(request: HttpRequest, pk: int) -> Comment:
    comment = get_object_or_404(Comment.objects.select_related("author", "parent"), pk=pk)
    _visible_target(request, comment.target)
    return comment


def _refused(request: HttpRequest, message: str, status: int) -> HttpResponse:
    template = "429.html" if status == 429 else "403.html"
    return render(request, template, {"message": message}, status=status)


def _post_comment(
    request: HttpRequest, form, **kwargs
) -> tuple[Comment | None, HttpResponse | None]:
    """Create the comment; a refusal becomes its response, a problem with the text an error."""
    try:
        return services.comment_create(
            author=request.user, text=form.cleaned_data["text"], **kwargs
        ), None
    except PermissionDenied as error:
        return None, _refused(request, str(error), 403)
    except RateLimited as error:
        return None, _refused(request, str(error), 429)
    except ValidationError as error:
        form.add_error("text", error)
        return None, None


class ThesisListView(ListView):
    template_name = "forums/thesis_list.html"
    context_object_name = "theses"

    def get_queryset(self):
        return Thesis.objects.published().with_comment_counts()


@anonymous_page_cache
def thesis_detail(request: HttpRequest, slug: str) -> HttpResponse:
    thesis = get_object_or_404(Thesis.objects.prefetch_related("statements"), slug=slug)
    _visible_target(request, thesis)
    mb = meinungsbild(stance_rows(thesis))
    context = {
        "thesis": thesis,
        "meinungsbild": mb,
        "meinungsbild_svg": meinungsbild_svg(mb),
        **discussion_context(request, thesis),
    }
    return render(request, "forums/thesis_detail.html", context)


@login_required
@require_POST
def comment_create(request: HttpRequest, content_type_id: int, object_id: int) -> HttpResponse:
    target = _visible_target(request, _target_or_404(content_type_id, object_id))
    form = CommentForm(request.POST, stance_required=target.stance_required, prefix_id="neu")
    if form.is_valid():
        comment, refusal = _post_comment(
            request, form, target=target, stance=form.cleaned_data.get("stance", "")
        )
        if refusal:
            return refusal
        if comment:
            messages.success(request, _("Ihr Beitrag ist veröffentlicht."))
            return redirect(comment.get_absolute_url())
    return render(
        request,
        "forums/comment_form.html",
        {"form": form, "target": target, "action": request.path, "title": _("Ihr Beitrag")},
        status=200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def comment_reply(request: HttpRequest, pk: int) -> HttpResponse:
    parent = _comment_or_404(request, pk)
    target = parent.target
    form = ReplyForm(request.POST or None, parent_id=parent.pk)
    if request.method == "POST" and form.is_valid():
        comment, refusal = _post_comment(request, form, target=target, parent=parent)
        if refusal:
            return refusal
        if comment:
            if request.htmx:
                [comment] = Comment.objects.filter(pk=comment.pk).threads([comment.root_id])
                viewer = Viewer.for_request(
                    request.user, can_comment=True, is_moderator=is_moderator(request.user)
                )
                return HttpResponse(comment_html(comment, viewer, just_posted=True))
            messages.success(request, _("Ihre Antwort ist veröffentlicht."))
            return redirect(comment.get_absolute_url())
    elif parent.state != Comment.State.VISIBLE:
        return _refused(request, _("Auf diesen Beitrag kann nicht mehr geantwortet werden."), 403)
    elif refusal := target.comment_refusal(request.user):
        return _refused(request, refusal, 403)
    template = "forums/includes/_reply_form.html" if request.htmx else "forums/reply_form.html"
    return render(request, template, {"form": form, "parent": parent, "target": target})


@login_required
@require_http_methods(["GET", "POST"])
def comment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    if not comment.can_edit(request.user):
        return _refused(request, services.edit_refusal(), 403)
    form = EditForm(request.POST or None, initial={"text": comment.source})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_edit(
                comment=comment, user=request.user, text=form.cleaned_data["text"]
            )
        except PermissionDenied as error:
            return _refused(request, str(error), 403)
        except ValidationError as error:
            form.add_error("text", error)
        else:
            messages.success(request, _("Ihr Beitrag wurde geändert."))
            return redirect(comment.get_absolute_url())
    return render(request, "forums/comment_edit.html", {"form": form, "comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    if comment.author_id != request.user.pk or comment.state == Comment.State.DELETED:
        return _refused(
            request, _("Nur die Verfasserin oder der Verfasser kann einen Beitrag löschen."), 403
        )
    if request.method == "POST":
        target_url = comment.target.get_absolute_url()
        services.comment_delete(comment=comment, user=request.user)
        messages.success(request, _("Ihr Beitrag wurde gelöscht."))
        return redirect(target_url)
    return render(request, "forums/comment_delete.html", {"comment": comment})


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_flag(
                comment=comment,
                member=request.user,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Danke! Die Moderation sieht sich den Beitrag an."))
            return redirect(comment.target.get_absolute_url())
    return render(request, "forums/comment_flag.html", {"form": form, "comment": comment})


def comment_permalink(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_or_404(request, pk)
    page = comment_page_number(comment)
    query = f"?seite={page}" if page > 1 else ""
    return redirect(f"{comment.target.get_absolute_url()}{query}#{comment.anchor}")


@login_required
@require_POST
def subscription_toggle(request: HttpRequest, content_type_id: int, object_id: int) -> HttpResponse:
    target = _visible_target(request, _target_or_404(content_type_id, object_id))
    subscribe = request.POST.get("abonnieren") == "1"
    services.subscription_set(user=request.user, target=target, subscribed=subscribe)
    messages.success(
        request,
        _("Sie werden über neue Beiträge benachrichtigt.")
        if subscribe
        else _("Sie erhalten keine Benachrichtigungen mehr zu dieser Diskussion."),
    )
    return redirect(target.get_absolute_url())


def _moderator_required(request: HttpRequest) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied(_("Nur die Moderation hat hier Zugang."))


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _moderator_required(request)
    queue = (
        Comment.objects.filter(Q(state=Comment.State.PENDING) | Q(flag_count__gt=0, reviewed=False))
        .select_related("author", "content_type")
        .prefetch_related("flags__member")
        .order_by("-state", "-flag_count", "created_at")
    )
    page = Paginator(queue, 30).get_page(request.GET.get("seite"))
    recently_hidden = (
        Comment.objects.filter(state=Comment.State.HIDDEN)
        .select_related("author", "moderated_by")
        .order_by("-moderated_at")[:20]
    )
    return render(
        request,
        "forums/moderation_queue.html",
        {
            "page_obj": page,
            "queue": page.object_list,
            "recently_hidden": recently_hidden,
            "hide_form": HideForm(),
        },
    )


@login_required
@require_POST
def moderation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _moderator_required(request)
    comment = get_object_or_404(Comment.objects.select_related("author"), pk=pk)
    if action == "ausblenden":
        form = HideForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Bitte begründen Sie, warum der Beitrag ausgeblendet wird."))
            return redirect("forums:moderation")
        services.comment_hide(
            comment=comment, moderator=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Der Beitrag ist ausgeblendet; die Person wurde informiert."))
    elif action == "wiederherstellen":
        services.comment_restore(comment=comment, moderator=request.user)
        messages.success(request, _("Der Beitrag ist wieder sichtbar."))
    elif action == "geprueft":
        services.comment_mark_reviewed(comment=comment, moderator=request.user)
        messages.success(request, _("Als geprüft markiert."))
    else:
        raise Http404
    return redirect("forums:moderation")


class ForumListView(ListView):
    template_name = "forums/forum_list.html"
    context_object_name = "forums"

    def get_queryset(self):
        return Forum.objects.visible_to(self.request.user).annotate(
            topic_count=Count("topics", distinct=True)
        )


def _forum_or_404(request: HttpRequest, slug: str) -> Forum:
    forum = get_object_or_404(Forum, slug=slug)
    if not forum.user_can_view(request.user):
        raise Http404
    return forum


@require_http_methods(["GET", "POST"])
def forum_detail(request: HttpRequest, forum: str) -> HttpResponse:
    forum = _forum_or_404(request, forum)
    can_post = forum.user_can_post(request.user)
    form = TopicForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?next={request.path}")
        if not can_post:
            return _refused(
                request, _("In diesem Forum können nur seine Mitglieder schreiben."), 403
            )
        if form.is_valid():
            try:
                topic = services.topic_create(
                    forum=forum,
                    author=request.user,
                    title=form.cleaned_data["title"],
                    text=form.cleaned_data["text"],
                )
            except PermissionDenied as error:
                return _refused(request, str(error), 403)
            except RateLimited as error:
                return _refused(request, str(error), 429)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Ihr Thema ist eröffnet."))
                return redirect(topic.get_absolute_url())
    topics = Paginator(forum.topics.for_forum_page(), 30).get_page(request.GET.get("seite"))
    return render(
        request,
        "forums/forum_detail.html",
        {
            "forum": forum,
            "page_obj": topics,
            "topics": topics.object_list,
            "form": form,
            "can_post": can_post,
        },
    )


def topic_detail(request: HttpRequest, forum: str, pk: int) -> HttpResponse:
    forum = _forum_or_404(request, forum)
    topic = get_object_or_404(Topic.objects.select_related("author", "forum"), pk=pk, forum=forum)
    context = {"forum": forum, "topic": topic, **discussion_context(request, topic)}
    return render(request, "forums/topic_detail.html", context)


@login_required
@require_POST
def topic_moderate(request: HttpRequest, forum: str, pk: int) -> HttpResponse:
    _moderator_required(request)
    topic = get_object_or_404(Topic, pk=pk, forum__slug=forum)
    field, value = request.POST.get("feld"), request.POST.get("wert") == "1"
    if field == "angeheftet":
        services.topic_moderate(topic=topic, moderator=request.user, pinned=value)
    elif field == "geschlossen":
        services.topic_moderate(topic=topic, moderator=request.user, locked=value)
    else:
        raise Http404
    messages.success(request, _("Das Thema wurde geändert."))
    return redirect(topic.get_absolute_url())
