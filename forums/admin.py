from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Comment, Flag, Forum, Statement, Thesis, Topic


class StatementInline(admin.StackedInline):
    model = Statement
    extra = 1
    autocomplete_fields = ["member"]


@admin.register(Thesis)
class ThesisAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "opens_at", "closes_at", "is_published"]
    list_display_links = ["number", "title"]
    list_filter = ["is_published"]
    search_fields = ["title", "lead", "body"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StatementInline]
    fieldsets = [
        (None, {"fields": ["number", "title", "slug", "lead", "body", "is_published"]}),
        (_("Diskussion"), {"fields": ["opens_at", "closes_at", "summary"]}),
    ]


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ["name", "visibility", "order"]
    list_filter = ["visibility"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["members"]


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "forum", "author", "comment_count", "is_pinned", "is_locked"]
    list_filter = ["forum", "is_pinned", "is_locked"]
    search_fields = ["title", "text"]
    autocomplete_fields = ["author"]
    readonly_fields = ["comment_count", "last_activity_at"]


class FlagInline(admin.TabularInline):
    model = Flag
    extra = 0
    readonly_fields = ["member", "reason", "text", "created_at"]
    can_delete = False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "author", "content_type", "stance", "state", "flag_count", "created_at"]
    list_filter = ["state", "stance", "content_type", "reviewed"]
    search_fields = ["source", "author__name", "author__email"]
    list_select_related = ["author", "content_type"]
    readonly_fields = [
        "content_type",
        "object_id",
        "parent",
        "root",
        "reply_to",
        "path",
        "depth",
        "author",
        "html",
        "created_at",
        "edited_at",
        "reply_count",
        "flag_count",
        "moderated_by",
        "moderated_at",
    ]
    inlines = [FlagInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        # Comments are written on the site, where the engine keeps the tree consistent.
        return False
