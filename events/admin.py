from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    AgendaItem,
    Contribution,
    Event,
    Registration,
    Report,
    ReportAttachment,
    ReportPhoto,
    Room,
    Session,
    TimeSlot,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 1


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0
    verbose_name_plural = _("Räume (Barcamp)")


class TimeSlotInline(admin.TabularInline):
    model = TimeSlot
    extra = 0
    verbose_name_plural = _("Zeitfenster (Barcamp)")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "status", "audience", "seats"]
    list_filter = ["status", "kind", "audience", ("starts_at", admin.DateFieldListFilter)]
    date_hierarchy = "starts_at"
    search_fields = ["title", "lead", "venue"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["organisers"]
    inlines = [AgendaItemInline, RoomInline, TimeSlotInline]
    actions = ["cancel_events"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "lead", "description"]}),
        (_("Zeit und Ort"), {"fields": ["starts_at", "ends_at", "venue", "address"]}),
        (_("Barrierefreiheit und Online"), {"fields": ["accessibility_notes", "online_url"]}),
        (
            _("Anmeldung"),
            {
                "fields": [
                    "registration_enabled",
                    "capacity",
                    "registration_opens_at",
                    "registration_closes_at",
                    "audience",
                ]
            },
        ),
        (_("Organisation und Nachbereitung"), {"fields": ["organisers", "forum", "status"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                confirmed_count=Count(
                    "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
                ),
                waitlist_count=Count(
                    "registrations", filter=Q(registrations__status=Registration.Status.WAITLISTED)
                ),
            )
        )

    @admin.display(description=_("Plätze"))
    def seats(self, event: Event) -> str:
        capacity = "∞" if event.capacity is None else event.capacity
        text = f"{event.confirmed_count} / {capacity}"
        if event.waitlist_count:
            text += " · " + _("%(n)d auf der Warteliste") % {"n": event.waitlist_count}
        return text

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = services.event_fill_from_waitlist(event=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%(n)d Person ist von der Warteliste nachgerückt und benachrichtigt.",
                        "%(n)d Personen sind von der Warteliste nachgerückt und benachrichtigt.",
                        len(promoted),
                    )
                    % {"n": len(promoted)},
                )

    @admin.action(description=_("Absagen und alle Angemeldeten benachrichtigen"))
    def cancel_events(self, request, queryset):
        notified = sum(services.event_cancel(event=event) for event in queryset)
        self.message_user(
            request,
            _("Abgesagt. %(n)d Angemeldete werden per E-Mail benachrichtigt.") % {"n": notified},
            messages.SUCCESS,
        )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["name", "email", "event", "status", "created_at"]
    list_filter = ["status", "event"]
    list_select_related = ["event"]
    search_fields = ["name", "email", "organisation", "event__title"]
    raw_id_fields = ["user", "event"]
    readonly_fields = [
        "status",
        "created_at",
        "queued_at",
        "confirmed_at",
        "cancelled_at",
        "reminded_at",
        "consent_at",
    ]
    actions = ["cancel_registrations"]

    def has_add_permission(self, request):
        # Registrations go through the event page, which decides seat or waitlist.
        return False

    @admin.action(description=_("Absagen (die Warteliste rückt nach)"))
    def cancel_registrations(self, request, queryset):
        promoted = []
        for registration in queryset.exclude(status=Registration.Status.CANCELLED):
            promoted += services.registration_cancel(registration=registration)
        self.message_user(
            request,
            _("Abgesagt. Nachgerückt: %(n)d.") % {"n": len(promoted)},
            messages.SUCCESS,
        )


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "format", "proposer", "room", "slot"]
    list_filter = ["event", "format"]
    list_select_related = ["event", "proposer", "room", "slot"]
    search_fields = ["title", "description"]
    raw_id_fields = ["proposer"]


class ContributionInline(admin.StackedInline):
    model = Contribution
    extra = 1


class ReportAttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 1
    fields = ["title", "file", "order"]


class ReportPhotoInline(admin.TabularInline):
    model = ReportPhoto
    extra = 1
    fields = ["image", "alt_text", "caption", "credit", "order"]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "event", "status", "published_at"]
    list_filter = ["status"]
    list_select_related = ["event"]
    search_fields = ["title", "lead", "body", "event__title"]
    autocomplete_fields = ["event"]
    filter_horizontal = ["theses"]
    inlines = [ContributionInline, ReportPhotoInline, ReportAttachmentInline]
    fields = ["event", "title", "lead", "body", "theses", "status", "published_at"]
