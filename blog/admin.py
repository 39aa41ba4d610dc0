from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Post, PostAttachment


class PostAttachmentInline(admin.TabularInline):
    model = PostAttachment
    extra = 1
    fields = ["title", "file", "order"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "publication_state", "published_at"]
    list_filter = ["status", "category", ("published_at", admin.DateFieldListFilter)]
    date_hierarchy = "published_at"
    search_fields = ["title", "lead", "body", "byline"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["authors"]
    inlines = [PostAttachmentInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "lead", "body", "tags"]}),
        (_("Autor:innen"), {"fields": ["authors", "byline"]}),
        (_("Titelbild"), {"fields": ["cover", "cover_alt", "cover_credit"]}),
        (_("Veröffentlichung"), {"fields": ["status", "published_at"]}),
    ]

    class Media:
        js = ["js/admin-preview.js"]
        css = {"all": ["css/admin-preview.css"]}

    @admin.display(description=_("Status"), ordering="status")
    def publication_state(self, post: Post) -> str:
        if post.is_scheduled:
            return _("geplant (%(date)s)") % {
                "date": timezone.localtime(post.published_at).strftime("%d.%m.%Y %H:%M")
            }
        return post.get_status_display()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        post = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if post is not None and not post.is_public:
            extra_context["preview_url"] = reverse("blog:post-preview", kwargs={"pk": post.pk})
        return super().change_view(request, object_id, form_url, extra_context)
