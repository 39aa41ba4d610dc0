"""The newsletter desk: write an issue, look at it, test it, then schedule or send it and watch
the progress; subscribers with their printable consent record; every delivery, read-only.

Sending, scheduling, cancelling and test mails go through newsletters.sending: these views only
ask for confirmation (a POST with CSRF token) and report the result.
"""

from datetime import timedelta

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_sameorigin

from . import sending
from .models import Delivery, Newsletter, Subscriber, Topic

SAMPLE_SIZE = 10

# The mail's HTML is shown as it is, inline styles and all, inside a sandboxed frame of the
# preview page: it runs no script, submits no form and may only be framed by our own pages.
PREVIEW_POLICY = {
    "default-src": [NONE],
    "style-src": [UNSAFE_INLINE],
    "img-src": [SELF, "data:", "https:"],
    "form-action": [NONE],
    "base-uri": [NONE],
    "frame-ancestors": [SELF],
    "sandbox": True,
}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    class Media:
        css = {"all": ["css/newsletter-admin.css"]}


class NewsletterAdminForm(forms.ModelForm):
    class Meta:
        model = Newsletter
        fields = [
            "subject",
            "slug",
            "preheader",
            "body",
            "from_email",
            "audience",
            "event",
            "topics",
            "in_archive",
        ]

    def clean(self):
        cleaned_data = super().clean()
        instance = self.instance
        if (
            instance.pk
            and not Newsletter.objects.filter(
                pk=instance.pk,
                status__in=[Newsletter.Status.DRAFT, Newsletter.Status.SCHEDULED],
            ).exists()
        ):
            # Someone started (or cancelled) it while this form was open.
            raise ValidationError(
                _("Dieser Newsletter wird schon versendet und lässt sich nicht mehr ändern.")
            )
        if (
            cleaned_data.get("audience") == Newsletter.Audience.EVENT_PARTICIPANTS
            and "event" in self.fields
            and not cleaned_data.get("event")
        ):
            self.add_error(
                "event", _("Bitte wählen Sie die Veranstaltung, deren Teilnehmende Post bekommen.")
            )
        return cleaned_data


class ScheduleForm(forms.Form):
    at = forms.DateTimeField(
        label=_("Versand am"),
        help_text=_("Datum und Uhrzeit (deutsche Zeit)."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class TestSendForm(forms.Form):
    email = forms.EmailField(
        label=_("An"),
        help_text=_("Eine Testmail geht nur an Ihre eigene Adresse."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    form = NewsletterAdminForm
    list_display = [
        "subject",
        "audience",
        "status",
        "scheduled_at",
        "recipients_column",
        "sent_column",
        "failed_column",
    ]
    list_filter = ["status", "audience", "in_archive"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ["subject"]}
    # Not filter_horizontal nor an autocomplete: both widgets carry ARIA faults (axe), while a
    # handful of topics reads best as checkboxes and an event id with its lookup works for all.
    raw_id_fields = ["event"]
    formfield_overrides = {
        models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple},
    }
    fieldsets = [
        (None, {"fields": ["subject", "slug", "preheader", "body"]}),
        (
            _("Absender und Empfänger:innen"),
            {"fields": ["from_email", "audience", "event", "topics"]},
        ),
        (_("Archiv"), {"fields": ["in_archive"]}),
        (
            _("Versand"),
            {"fields": ["status", "scheduled_at", "started_at", "finished_at", "created_by"]},
        ),
    ]
    readonly_fields = ["status", "scheduled_at", "started_at", "finished_at", "created_by"]

    class Media:
        css = {"all": ["css/newsletter-admin.css"]}

    # --- List and form ----------------------------------------------------------------------

    def get_queryset(self, request):
        State = Delivery.State
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivery_count=Count("deliveries"),
                sent_count=Count("deliveries", filter=Q(deliveries__state=State.SENT)),
                failed_count=Count("deliveries", filter=Q(deliveries__state=State.FAILED)),
            )
        )

    @admin.display(description=_("Adressen"), ordering="delivery_count")
    def recipients_column(self, newsletter: Newsletter) -> int | str:
        return newsletter.delivery_count or "–"

    @admin.display(description=_("gesendet"), ordering="sent_count")
    def sent_column(self, newsletter: Newsletter) -> int | str:
        return newsletter.sent_count if newsletter.delivery_count else "–"

    @admin.display(description=_("fehlgeschlagen"), ordering="failed_count")
    def failed_column(self, newsletter: Newsletter) -> int | str:
        return newsletter.failed_count if newsletter.delivery_count else "–"

    def view_on_site(self, newsletter: Newsletter) -> str | None:
        # Only sent issues shown in the archive have a public page.
        if newsletter.status == Newsletter.Status.SENT and newsletter.in_archive:
            return newsletter.get_absolute_url()
        return None

    def has_change_permission(self, request, obj=None):
        # Once it is on its way the issue is a record: shown, never changed.
        if obj is not None and not obj.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk deletion would also take sent issues and their delivery records.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and not obj.is_editable:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            obj.save()
            return
        # Only what the form edits: status and times belong to the sending functions, which
        # may have changed them since the form was loaded.
        fields = [f.name for f in obj._meta.concrete_fields if f.name in form.fields]
        obj.save(update_fields=[*fields, "updated_at"])

    def change_view(self, request, object_id, form_url="", extra_context=None):
        newsletter = self.get_object(request, object_id)
        extra_context = extra_context or {}
        if newsletter is not None:
            extra_context.update(self._tools_context(request, newsletter))
        return super().change_view(request, object_id, form_url, extra_context)

    def _tools_context(self, request, newsletter: Newsletter) -> dict:
        """What the buttons and the summary above the form need."""
        Status = Newsletter.Status
        context = {
            "may_send": self.has_change_permission(request),
            "newsletter_urls": self._urls(newsletter),
            "progress_polling": newsletter.status == Status.SENDING,
        }
        if newsletter.is_editable:
            context["recipient_count"] = len(sending.audience(newsletter))
        if newsletter.status in {Status.SENDING, Status.SENT, Status.CANCELLED}:
            context["progress"] = sending.progress(newsletter)
        return context

    # --- Own pages ----------------------------------------------------------------------------

    def get_urls(self):
        pages = [
            ("vorschau/", self.preview_view, "preview"),
            ("vorschau/html/", self.preview_html_view, "preview_html"),
            ("empfaenger/", self.recipients_view, "recipients"),
            ("test/", self.test_send_view, "test_send"),
            ("planen/", self.schedule_view, "schedule"),
            ("senden/", self.send_view, "send"),
            ("abbrechen/", self.cancel_view, "cancel"),
            ("fortschritt/", self.progress_view, "progress"),
        ]
        # Before the defaults, whose "<path:object_id>/" would swallow these addresses.
        return [
            *(
                path(
                    f"<int:object_id>/{suffix}",
                    self.admin_site.admin_view(view),
                    name=f"newsletters_newsletter_{name}",
                )
                for suffix, view, name in pages
            ),
            *super().get_urls(),
        ]

    @staticmethod
    def _urls(newsletter: Newsletter) -> dict[str, str]:
        names = ["preview", "preview_html", "recipients", "test_send", "schedule", "send"]
        names += ["cancel", "progress", "change"]
        return {
            name: reverse(f"admin:newsletters_newsletter_{name}", args=[newsletter.pk])
            for name in names
        }

    def _newsletter(self, request: HttpRequest, object_id: int, *, act: bool) -> Newsletter:
        """The newsletter if the user may see it, and for an action also change newsletters."""
        newsletter = self.get_object(request, str(object_id))
        if newsletter is None:
            raise Http404
        if not self.has_view_permission(request, newsletter):
            raise PermissionDenied
        if act and not self.has_change_permission(request):
            raise PermissionDenied
        return newsletter

    def _render(
        self, request: HttpRequest, template: str, newsletter: Newsletter, title: str, **context
    ) -> TemplateResponse:
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": newsletter,
            "newsletter": newsletter,
            "newsletter_urls": self._urls(newsletter),
            "title": title,
            **context,
        }
        return TemplateResponse(request, f"admin/newsletters/newsletter/{template}", context)

    def _back(self, newsletter: Newsletter):
        return redirect("admin:newsletters_newsletter_change", newsletter.pk)

    def _audience_context(self, newsletter: Newsletter) -> dict:
        recipients = sending.audience(newsletter)
        return {
            "recipient_count": len(recipients),
            "sample": [{"email": email, "name": name} for email, name, _id in recipients][
                :SAMPLE_SIZE
            ],
            "topics": list(newsletter.topics.all()),
        }

    def preview_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=False)
        message = self._message_for(request, newsletter)
        return self._render(
            request,
            "preview.html",
            newsletter,
            gettext("Vorschau: %(subject)s") % {"subject": newsletter.subject},
            message=message,
        )

    @staticmethod
    def _message_for(request: HttpRequest, newsletter: Newsletter):
        """The mail exactly as the test mail to oneself would carry it."""
        rendered = sending.render_newsletter(newsletter)
        return sending.build_message(newsletter, rendered, request.user.email)

    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp(PREVIEW_POLICY))
    def preview_html_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=False)
        return HttpResponse(self._message_for(request, newsletter).alternatives[0][0])

    def recipients_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=False)
        return self._render(
            request,
            "recipients.html",
            newsletter,
            gettext("Empfänger:innen: %(subject)s") % {"subject": newsletter.subject},
            **self._audience_context(newsletter),
        )

    def test_send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=True)
        if request.method == "POST":
            form = TestSendForm(request.POST)
            if form.is_valid():
                try:
                    sending.newsletter_test_send(
                        newsletter=newsletter, user=request.user, email=form.cleaned_data["email"]
                    )
                except ValidationError as error:
                    form.add_error("email", error)
                else:
                    self.message_user(
                        request,
                        gettext("Die Testmail ist an %(email)s unterwegs.")
                        % {"email": request.user.email},
                        messages.SUCCESS,
                    )
                    return self._back(newsletter)
        else:
            form = TestSendForm(initial={"email": request.user.email})
        return self._render(
            request,
            "test_send.html",
            newsletter,
            gettext("Testmail an mich: %(subject)s") % {"subject": newsletter.subject},
            form=form,
        )

    def schedule_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=True)
        if request.method == "POST":
            form = ScheduleForm(request.POST)
            if form.is_valid():
                try:
                    newsletter = sending.newsletter_schedule(
                        newsletter=newsletter, at=form.cleaned_data["at"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    self.message_user(
                        request,
                        gettext("Der Newsletter wird am %(date)s versendet.")
                        % {"date": _local(newsletter.scheduled_at)},
                        messages.SUCCESS,
                    )
                    return self._back(newsletter)
        else:
            soon = (timezone.localtime() + timedelta(hours=1)).replace(
                minute=0, second=0, microsecond=0
            )
            form = ScheduleForm(initial={"at": timezone.localtime(newsletter.scheduled_at or soon)})
        return self._render(
            request,
            "schedule.html",
            newsletter,
            gettext("Versand planen: %(subject)s") % {"subject": newsletter.subject},
            form=form,
            **self._audience_context(newsletter),
        )

    def _perform(self, request, newsletter, action, success) -> HttpResponse:
        """Run a sending service; its refusal becomes admin error messages, nothing changed."""
        try:
            result = action()
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, success(result), messages.SUCCESS)
        return self._back(newsletter)

    def send_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=True)
        if request.method == "POST":
            return self._perform(
                request,
                newsletter,
                lambda: sending.newsletter_send(newsletter=newsletter),
                lambda count: (
                    ngettext(
                        "Der Versand an %(n)d Empfänger:in hat begonnen.",
                        "Der Versand an %(n)d Empfänger:innen hat begonnen.",
                        count,
                    )
                    % {"n": count}
                ),
            )
        return self._render(
            request,
            "send.html",
            newsletter,
            gettext("Jetzt senden: %(subject)s") % {"subject": newsletter.subject},
            **self._audience_context(newsletter),
        )

    def cancel_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=True)
        if request.method == "POST":
            return self._perform(
                request,
                newsletter,
                lambda: sending.newsletter_cancel(newsletter=newsletter),
                lambda stopped: (
                    ngettext(
                        "Abgebrochen. %(n)d noch nicht gesendete Mail geht nicht mehr hinaus.",
                        "Abgebrochen. %(n)d noch nicht gesendete Mails gehen nicht mehr hinaus.",
                        stopped,
                    )
                    % {"n": stopped}
                ),
            )
        return self._render(
            request,
            "cancel.html",
            newsletter,
            gettext("Versand abbrechen: %(subject)s") % {"subject": newsletter.subject},
            progress=sending.progress(newsletter),
        )

    def progress_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        newsletter = self._newsletter(request, object_id, act=False)
        context = {
            "progress": sending.progress(newsletter),
            "progress_polling": newsletter.status == Newsletter.Status.SENDING,
        }
        if request.htmx:
            context["original"] = newsletter
            context["newsletter_urls"] = self._urls(newsletter)
            return TemplateResponse(
                request, "admin/newsletters/newsletter/includes/_progress.html", context
            )
        return self._render(
            request,
            "progress.html",
            newsletter,
            gettext("Versand: %(subject)s") % {"subject": newsletter.subject},
            **context,
        )


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y, %H:%M Uhr")


class ConsentVersionFilter(admin.SimpleListFilter):
    """The wordings that were agreed to (the built-in filter would offer an empty one)."""

    title = _("Fassung der Einwilligung")
    parameter_name = "fassung"

    def lookups(self, request, model_admin):
        versions = (
            Subscriber.objects.exclude(consent_version="")
            .order_by("-consent_version")
            .values_list("consent_version", flat=True)
            .distinct()
        )
        return [(version, version) for version in versions]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(consent_version=self.value())
        return queryset


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Read-only: only the subscriber's own links (newsletters.services) change a subscription."""

    list_display = ["email", "name", "status", "signed_up_at", "confirmed_at", "consent_link"]
    list_filter = ["status", "topics", ConsentVersionFilter]
    search_fields = ["email", "name"]
    date_hierarchy = "signed_up_at"
    fieldsets = [
        (None, {"fields": ["email", "name", "user", "status", "topics"]}),
        (
            _("Einwilligung"),
            {
                "fields": [
                    "signed_up_at",
                    "confirmed_at",
                    "consent_version",
                    "consent_text",
                    "signup_source",
                ]
            },
        ),
        (_("Abmeldung und Zustellbarkeit"), {"fields": ["unsubscribed_at", "hard_bounces"]}),
    ]

    class Media:
        css = {"all": ["css/newsletter-admin.css"]}

    @admin.display(description=_("Einwilligungsnachweis"))
    def consent_link(self, subscriber: Subscriber) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:newsletters_subscriber_consent", args=[subscriber.pk]),
            _("ansehen"),
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted unsubscription would let the member audiences reach the address again.
        return False

    def get_urls(self):
        return [
            path(
                "<int:object_id>/einwilligung/",
                self.admin_site.admin_view(self.consent_view),
                name="newsletters_subscriber_consent",
            ),
            *super().get_urls(),
        ]

    def consent_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        subscriber = self.get_object(request, str(object_id))
        if subscriber is None:
            raise Http404
        if not self.has_view_permission(request, subscriber):
            raise PermissionDenied
        source = subscriber.signup_source
        if source.startswith("/"):
            source = settings.SITE_URL + source
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": subscriber,
            "subscriber": subscriber,
            "topics": list(subscriber.topics.all()),
            "signup_source": source,
            "now": timezone.now(),
            "title": gettext("Einwilligungsnachweis"),
            "subtitle": subscriber.email,
        }
        return TemplateResponse(
            request, "admin/newsletters/subscriber/consent_record.html", context
        )


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The record of what went to whom: written by the sending functions only."""

    list_display = ["email", "newsletter", "state", "attempts", "sent_at", "last_error"]
    list_filter = ["state", "newsletter"]
    list_select_related = ["newsletter"]
    search_fields = ["email"]
    raw_id_fields = ["newsletter", "subscriber"]

    class Media:
        css = {"all": ["css/newsletter-admin.css"]}

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
