from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Municipality, Organisation, User


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
