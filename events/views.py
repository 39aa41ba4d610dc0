from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import ListView, TemplateView

from k360.pagecache import anonymous_page_cache
from k360.spreadsheets import csv_download

from . import services
from .calendars import event_calendar, events_calendar
from .forms import (
    EventFilterForm,
    MemberRegistrationForm,
    ParticipantMessageForm,
    VisitorRegistrationForm,
)
from .models import Event, Registration

Status = Registration.Status


def with_event(view: Callable) -> Callable:
    """Resolve <slug> to an event the visitor may see: drafts 404, members-only asks to log in."""

    @wraps(view)
    def wrapper(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        event = get_object_or_404(Event.objects.for_detail(), slug=slug)
        user = request.user
        if event.status == Event.Status.DRAFT and not user.has_perm("events.manage_event", event):
            raise Http404
        if event.is_members_only and not (user.is_authenticated and user.is_active):
            messages.info(
                request,
                _(
                    "Diese Veranstaltung ist nur für Mitglieder des Netzwerks. Bitte melden Sie "
                    "sich mit Ihrem Konto an."
                ),
            )
            next_url = (
                request.get_full_path() if request.method == "GET" else event.get_absolute_url()
            )
            return redirect_to_login(next_url)
        return view(request, event, *args, **kwargs)

    return wrapper


def organiser_only(view: Callable) -> Callable:
    """After with_event: the event's organisers, the group Organisation and staff; else 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, event: Event, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("events.manage_event", event):
            raise PermissionDenied
        return view(request, event, *args, **kwargs)

    return wrapper


@method_decorator(anonymous_page_cache, name="dispatch")
class EventListView(ListView):
    template_name = "events/event_list.html"
    context_object_name = "events"
    paginate_by = 20
    page_kwarg = "seite"

    def get_queryset(self):
        visible = Event.objects.visible_to(self.request.user)
        self.filter_form = EventFilterForm(self.request.GET, events=visible)
        return self.filter_form.filter(visible.for_list())

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        filters = {key: value for key, value in query.items() if value and key != "zeit"}
        return super().get_context_data(
            filter_form=self.filter_form,
            filter_query=query.urlencode(),
            is_filtered=bool(filters),
            showing_past=self.filter_form.past,
            **kwargs,
        )


def _own_registration(request: HttpRequest, event: Event) -> Registration | None:
    return Registration.objects.active().for_user(request.user).filter(event=event).first()


def _event_page(request: HttpRequest, event: Event, *, form=None, status: int = 200, error=""):
    user = request.user
    registration = _own_registration(request, event)
    if form is None and registration is None:
        if user.is_authenticated:
            form = MemberRegistrationForm(initial={"organisation": user.organisation_name or ""})
        elif not event.is_members_only:
            form = VisitorRegistrationForm()
    report = getattr(event, "report", None)
    if report is not None and not report.is_public:
        report = None
    context = {
        "event": event,
        "registration": registration,
        "waitlist_position": registration and services.registration_position(registration),
        "form": form,
        "refusal": error or services.registration_refusal(event, user),
        "refusal_is_error": bool(error),
        "report": report,
        "can_manage": user.has_perm("events.manage_event", event),
        "consent_version": services.CONSENT_VERSION,
    }
    return render(request, "events/event_detail.html", context, status=status)


@anonymous_page_cache
@with_event
def event_detail(request: HttpRequest, event: Event) -> HttpResponse:
    return _event_page(request, event)


_REFUSAL_STATUS = {"members_only": 403, "duplicate": 409, "closed": 409, "consent": 400}


@require_POST
@with_event
def registration_create(request: HttpRequest, event: Event) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    form_class = MemberRegistrationForm if user else VisitorRegistrationForm
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Bitte korrigieren Sie die markierten Angaben."))
        return _event_page(request, event, form=form, status=400)
    try:
        registration = services.registration_create(event=event, user=user, **form.cleaned_data)
    except ValidationError as error:
        status = _REFUSAL_STATUS.get(error.code, 409)
        return _event_page(request, event, form=form, status=status, error=error.messages[0])
    if registration.status == Status.PENDING:
        return render(
            request,
            "events/registration_pending.html",
            {"event": event, "registration": registration},
        )
    if registration.status == Status.CONFIRMED:
        messages.success(
            request,
            _("Sie sind angemeldet. Die Bestätigung mit Kalendereintrag ist unterwegs."),
        )
    else:
        messages.info(
            request,
            _(
                "Die Veranstaltung ist ausgebucht: Sie stehen auf der Warteliste (Platz %(n)s). "
                "Wird ein Platz frei, rücken Sie automatisch nach und bekommen eine E-Mail."
            )
            % {"n": services.registration_position(registration)},
        )
    return redirect(event)


@require_POST
@with_event
def registration_cancel(request: HttpRequest, event: Event) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(event.get_absolute_url())
    registration = _own_registration(request, event)
    if registration is None:
        messages.error(request, _("Sie sind für diese Veranstaltung nicht angemeldet."))
        return redirect(event)
    services.registration_cancel(registration=registration)
    messages.success(request, _("Ihre Anmeldung ist abgesagt. Schade, dass Sie nicht dabei sind!"))
    return redirect(event)


def _link_problem(request: HttpRequest, error: ValidationError) -> HttpResponse:
    status = {"expired": 410, "cancelled": 410, "closed": 409}.get(error.code, 404)
    return render(
        request,
        "events/registration_link_invalid.html",
        {"message": error.messages[0]},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def registration_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """A visitor's emailed link: GET asks (mail scanners follow links), POST confirms."""
    try:
        registration = services.registration_by_token(token)
        if request.method == "POST":
            registration = services.registration_confirm_email(token=token)
            return redirect(registration.manage_url())
    except ValidationError as error:
        return _link_problem(request, error)
    if registration.status != Status.PENDING:
        return redirect(registration.manage_url())
    if registration.confirmation_expires_at < timezone.now():
        return _link_problem(
            request,
            ValidationError(
                _(
                    "Dieser Bestätigungslink ist abgelaufen (er gilt 48 Stunden). Bitte melden "
                    "Sie sich erneut an."
                ),
                code="expired",
            ),
        )
    return render(request, "events/registration_confirm.html", {"registration": registration})


@require_http_methods(["GET", "POST"])
def registration_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The page behind every email's link: the registration's state and its cancellation."""
    try:
        registration = services.registration_by_token(token)
    except ValidationError as error:
        return _link_problem(request, error)
    if request.method == "POST":
        if registration.status != Status.CANCELLED:
            services.registration_cancel(registration=registration)
            messages.success(request, _("Ihre Anmeldung ist abgesagt."))
        return redirect(registration.manage_url())
    return render(
        request,
        "events/registration_manage.html",
        {
            "registration": registration,
            "event": registration.event,
            "waitlist_position": services.registration_position(registration),
        },
    )


@with_event
def event_ics(request: HttpRequest, event: Event) -> HttpResponse:
    response = HttpResponse(event_calendar(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return response


def calendar_feed(request: HttpRequest) -> HttpResponse:
    events = Event.objects.visible_to(request.user).upcoming()
    return HttpResponse(events_calendar(events), content_type="text/calendar; charset=utf-8")


@method_decorator([with_event, organiser_only], name="dispatch")
class ParticipantListView(TemplateView):
    """The organisers' list: seats, waitlist in order, needs; also as a printable check-in."""

    template_name = "events/participant_list.html"

    def dispatch(self, request, event, *args, **kwargs):
        self.event = event
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        registrations = list(Registration.objects.filter(event=self.event).order_by("name", "pk"))
        by_status = {status: [] for status in Status.values}
        for registration in registrations:
            by_status[registration.status].append(registration)
        by_status[Status.WAITLISTED].sort(key=lambda r: (r.queued_at, r.pk))
        return super().get_context_data(
            event=self.event,
            confirmed=by_status[Status.CONFIRMED],
            waitlisted=by_status[Status.WAITLISTED],
            pending=by_status[Status.PENDING],
            cancelled=by_status[Status.CANCELLED],
            now=timezone.now(),
            **kwargs,
        )


CSV_HEADER = [
    "Name",
    "E-Mail",
    "Organisation",
    "Status",
    "Mitglied",
    "Barrierefreiheit",
    "Ernährung",
    "Angemeldet am",
    "Platz bestätigt am",
]


@with_event
@organiser_only
def participants_csv(request: HttpRequest, event: Event) -> HttpResponse:
    response, write_row = csv_download(f"teilnehmende-{event.slug}.csv", CSV_HEADER)
    registrations = (
        Registration.objects.filter(event=event)
        .exclude(status=Status.PENDING)
        .order_by("status", "name", "pk")
    )
    for registration in registrations:
        write_row(
            (
                registration.name,
                registration.email,
                registration.organisation,
                registration.get_status_display(),
                _("ja") if registration.user_id else _("nein"),
                registration.accessibility_needs,
                registration.dietary_needs,
                timezone.localtime(registration.created_at).strftime("%d.%m.%Y %H:%M"),
                timezone.localtime(registration.confirmed_at).strftime("%d.%m.%Y %H:%M")
                if registration.confirmed_at
                else "",
            )
        )
    return response


@require_http_methods(["GET", "POST"])
@with_event
@organiser_only
def participants_message(request: HttpRequest, event: Event) -> HttpResponse:
    form = ParticipantMessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            count = services.event_message_send(
                event=event, sender=request.user, **form.cleaned_data
            )
            messages.success(
                request, _("Ihre Nachricht geht an %(count)d Teilnehmende.") % {"count": count}
            )
            return redirect("events:participants", slug=event.slug)
        status = 400
    else:
        status = 200
    recipients = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
    return render(
        request,
        "events/participant_message.html",
        {"event": event, "form": form, "recipients": recipients},
        status=status,
    )
