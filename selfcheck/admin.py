from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from . import services
from .models import FeedbackRule, Indicator, Questionnaire, Round, Section


class FrozenMixin:
    """Published versions are shown, never changed: answers refer to them."""

    def _questionnaire(self, obj):
        if obj is None:
            return None
        return obj if isinstance(obj, Questionnaire) else obj.questionnaire

    def has_change_permission(self, request, obj=None):
        questionnaire = self._questionnaire(obj)
        if questionnaire is not None and questionnaire.is_frozen:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        questionnaire = self._questionnaire(obj)
        if questionnaire is not None and questionnaire.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


class SectionInline(FrozenMixin, admin.TabularInline):
    model = Section
    extra = 0
    fields = ["order", "title", "slug"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.is_frozen:
            return False
        return super().has_add_permission(request, obj)


@admin.register(Questionnaire)
class QuestionnaireAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["title", "key", "version", "status", "published_at"]
    list_filter = ["status", "key"]
    search_fields = ["title", "key"]
    readonly_fields = ["status", "published_at"]
    inlines = [SectionInline]
    actions = ["publish", "new_version", "export_yaml"]

    @admin.action(description=_("Veröffentlichen (danach unveränderlich)"))
    def publish(self, request, queryset):
        for questionnaire in queryset:
            try:
                services.questionnaire_publish(questionnaire=questionnaire)
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, f"{questionnaire}: {message}", messages.ERROR)
            else:
                self.message_user(request, _("%(q)s ist veröffentlicht.") % {"q": questionnaire})

    @admin.action(description=_("Neue Version zum Bearbeiten anlegen"))
    def new_version(self, request, queryset):
        for questionnaire in queryset:
            copy = services.questionnaire_new_version(questionnaire=questionnaire)
            self.message_user(request, _("Entwurf angelegt: %(q)s") % {"q": copy})

    @admin.action(description=_("Als YAML herunterladen"))
    def export_yaml(self, request, queryset):
        from .yaml_io import export_questionnaire

        questionnaire = queryset.first()
        response = HttpResponse(
            export_questionnaire(questionnaire), content_type="application/yaml; charset=utf-8"
        )
        filename = f"{questionnaire.key}-v{questionnaire.version}.yaml"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class IndicatorInline(FrozenMixin, admin.StackedInline):
    model = Indicator
    extra = 0
    fields = [
        "order",
        "code",
        "statement",
        "help_text",
        "weight",
        "condition_indicator",
        "condition_values",
    ]
    raw_id_fields = ["condition_indicator"]

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.questionnaire.is_frozen:
            return False
        return super().has_add_permission(request, obj)


class FeedbackRuleInline(FrozenMixin, admin.StackedInline):
    model = FeedbackRule
    extra = 0

    def _questionnaire(self, obj):
        return obj.questionnaire if obj is not None else None

    def has_add_permission(self, request, obj=None):
        if obj is not None and obj.questionnaire.is_frozen:
            return False
        return super().has_add_permission(request, obj)


@admin.register(Section)
class SectionAdmin(FrozenMixin, admin.ModelAdmin):
    list_display = ["title", "questionnaire", "order"]
    list_filter = ["questionnaire"]
    list_select_related = ["questionnaire"]
    inlines = [IndicatorInline, FeedbackRuleInline]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "questionnaire", "status", "created_at", "closed_at"]
    list_filter = ["status", "questionnaire"]
    list_select_related = ["municipality", "questionnaire"]
    search_fields = ["title", "municipality__name"]
    readonly_fields = ["municipality", "questionnaire", "previous", "created_by", "closed_at"]
    fields = [
        "title",
        "municipality",
        "questionnaire",
        "status",
        "previous",
        "created_by",
        "closed_at",
    ]

    def has_add_permission(self, request):
        # Rounds are started by a municipality's coordinator on /selbstcheck/.
        return False

    def has_change_permission(self, request, obj=None):
        return False
