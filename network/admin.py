import io

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import services
from .imports import MunicipalityImportForm, municipalities_import
from .models import MembershipApplication, Municipality, Organisation, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "sector", "municipality", "is_coordinator", "is_staff"]
    list_filter = ["sector", "is_coordinator", "is_staff", "is_active", "groups"]
    search_fields = ["email", "name", "function"]
    list_select_related = ["municipality"]
    autocomplete_fields = ["municipality", "organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Profil"),
            {
                "fields": [
                    "name",
                    "function",
                    "sector",
                    "organisation",
                    "organisation_name",
                    "municipality",
                    "is_coordinator",
                    "topics",
                    "bio",
                    "avatar",
                    "profile_visibility",
                    "show_email",
                ]
            },
        ),
        (
            _("Benachrichtigungen"),
            {"fields": ["notify_replies", "notify_forums", "notify_events"]},
        ),
        (
            _("Rechte"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Daten"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]}),
    ]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "is_sponsor", "website"]
    list_filter = ["is_sponsor"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "bundesland", "ags", "population", "is_partner", "is_demo"]
    list_filter = ["is_partner", "kind", "bundesland", "is_demo"]
    search_fields = ["name", "ags"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["contact_people"]

    def get_urls(self):
        # Before the defaults, whose "<path:object_id>/" would otherwise swallow "import/".
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="network_municipality_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            form = MunicipalityImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = io.TextIOWrapper(
                    form.cleaned_data["file"], encoding="utf-8-sig", newline=""
                )
                try:
                    result = municipalities_import(
                        file=upload, mark_partner=form.cleaned_data["mark_partner"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(request, result.message, messages.SUCCESS)
                    return redirect("admin:network_municipality_changelist")
        else:
            form = MunicipalityImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Kommunen importieren"),
            "form": form,
        }
        return TemplateResponse(request, "admin/network/municipality/import_form.html", context)


@admin.register(MembershipApplication)
class MembershipApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "email",
        "organisation",
        "municipality_label",
        "sector",
        "status",
        "created_at",
    ]
    list_filter = ["status", "sector"]
    search_fields = ["name", "email", "organisation", "municipality_name", "municipality__name"]
    list_select_related = ["municipality"]
    date_hierarchy = "created_at"
    actions = ["approve", "reject"]
    readonly_fields = [
        "consent_version",
        "consent_at",
        "created_at",
        "status",
        "decided_at",
        "decided_by",
        "member",
    ]
    fieldsets = [
        (
            _("Antrag"),
            {
                "fields": [
                    "name",
                    "email",
                    "organisation",
                    "municipality",
                    "municipality_name",
                    "function",
                    "sector",
                    "motivation",
                ]
            },
        ),
        (_("Einwilligung"), {"fields": ["consent_version", "consent_at", "created_at"]}),
        (_("Entscheidung"), {"fields": ["status", "decided_at", "decided_by", "member"]}),
    ]

    @admin.display(description=_("Kommune"))
    def municipality_label(self, obj: MembershipApplication) -> str:
        return obj.municipality_label

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(
        description=_("Ausgewählte Anträge annehmen und einladen"), permissions=["change"]
    )
    def approve(self, request, queryset):
        count = services.applications_approve(applications=queryset, decided_by=request.user)
        self.message_user(
            request,
            _("%(count)d Antrag/Anträge angenommen, Einladungen verschickt.") % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(
        description=_("Ausgewählte Anträge ablehnen (höfliche E-Mail)"), permissions=["change"]
    )
    def reject(self, request, queryset):
        count = services.applications_reject(applications=queryset, decided_by=request.user)
        self.message_user(
            request,
            _("%(count)d Antrag/Anträge abgelehnt, Absagen verschickt.") % {"count": count},
            messages.SUCCESS,
        )
