from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from events.models import Report
from forums.discussion import discussion_context
from forums.markdown import render_markdown
from k360.pagecache import anonymous_page_cache

from .forms import PostFilterForm
from .models import Category, Post

# Longest body the live preview renders; a post's own body has no limit in the form.
PREVIEW_MAX_LENGTH = 200_000


@method_decorator(anonymous_page_cache, name="dispatch")
class PostListView(ListView):
    template_name = "blog/post_list.html"
    context_object_name = "posts"
    paginate_by = 12
    page_kwarg = "seite"

    def get_queryset(self):
        self.filter_form = PostFilterForm(self.request.GET)
        return self.filter_form.filter(Post.objects.published().for_list().latest_first())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        filters = {key: value for key, value in self.filter_form.data.items() if value}
        filters.pop(self.page_kwarg, None)
        context = super().get_context_data(
            filter_form=self.filter_form,
            filter_query=query.urlencode(),
            is_filtered=bool(filters),
            categories=Category.choices,
            **kwargs,
        )
        if not filters and context["page_obj"].number == 1:
            context["reports"] = Report.objects.latest_public()
        return context


def _post_page(request: HttpRequest, post: Post, *, preview: bool) -> HttpResponse:
    context = {
        "post": post,
        "is_preview": preview,
        "related_posts": Post.objects.related_to(post),
    }
    if not preview:
        context.update(discussion_context(request, post))
    return render(request, "blog/post_detail.html", context)


@anonymous_page_cache
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Drafts and scheduled posts are not there for anybody here; editors use the preview.
    post = get_object_or_404(Post.objects.published().for_detail(), slug=slug)
    return _post_page(request, post, preview=False)


def _require_preview(request: HttpRequest) -> None:
    # Whoever may not preview learns nothing, not even that the address exists.
    if not request.user.has_perm("blog.preview_post"):
        raise Http404


def post_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _require_preview(request)
    post = get_object_or_404(Post.objects.for_detail(), pk=pk)
    return _post_page(request, post, preview=True)


@require_POST
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """The admin's live preview: the body as the post page will show it (sanitised HTML)."""
    if not (request.user.is_active and request.user.is_staff):
        raise Http404
    source = request.POST.get("body", "")
    if len(source) > PREVIEW_MAX_LENGTH:
        return HttpResponse(status=413)
    return HttpResponse(render_markdown(source), content_type="text/html; charset=utf-8")
