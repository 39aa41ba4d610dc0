"""Barcamp pages: the session board, proposals, interest marks, the organisers' grid, notes."""

from collections.abc import Callable, Iterable
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRefresh

from . import services
from .models import Event, Room, Session, TimeSlot
from .views import organiser_only, with_event

BOARD_PAGE_SIZE = 50
NOTES_MAX_LENGTH = 10_000
MARKDOWN_HELP = gettext_lazy(
    "Sie können *kursiv*, **fett**, Listen, Links und > Zitate verwenden. Höchstens 10.000 Zeichen."
)


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["title", "description", "format"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6}), "format": forms.RadioSelect}
        help_texts = {
            "description": gettext_lazy(
                "Was möchten Sie besprechen, zeigen oder ausprobieren? Höchstens 2.000 Zeichen."
            )
        }
        error_messages = {
            "title": {"required": gettext_lazy("Bitte geben Sie Ihrer Session einen Titel.")},
            "description": {"required": gettext_lazy("Bitte beschreiben Sie kurz Ihre Session.")},
            "format": {"required": gettext_lazy("Bitte wählen Sie ein Format.")},
        }


class PlacementForm(forms.Form):
    """Room and time slot of one session; both empty takes it out of the grid."""

    room = forms.TypedChoiceField(
        label=gettext_lazy("Raum"), coerce=int, empty_value=None, required=False
    )
    slot = forms.TypedChoiceField(
        label=gettext_lazy("Zeitfenster"), coerce=int, empty_value=None, required=False
    )

    def __init__(self, *args, rooms: list[Room], slot_labels: dict[TimeSlot, str], **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from lists loaded once: one page holds a form for every session.
        self.rooms = {room.pk: room for room in rooms}
        self.slots = {slot.pk: slot for slot in slot_labels}
        unplaced = ("", _("– nicht eingeplant –"))
        self.fields["room"].choices = [unplaced, *((room.pk, room.name) for room in rooms)]
        self.fields["slot"].choices = [
            unplaced,
            *((s.pk, label) for s, label in slot_labels.items()),
        ]

    def clean(self):
        data = super().clean()
        data["room"] = self.rooms.get(data.get("room"))
        data["slot"] = self.slots.get(data.get("slot"))
        return data


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=gettext_lazy("Notizen"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=MARKDOWN_HELP,
    )


def barcamp_only(view: Callable) -> Callable:
    """After with_event: only a barcamp has sessions; any other event has no such page (404)."""

    @wraps(view)
    def wrapper(request: HttpRequest, event: Event, *args, **kwargs) -> HttpResponse:
        if event.kind != Event.Kind.BARCAMP:
            raise Http404
        return view(request, event, *args, **kwargs)

    return wrapper


def login_first(view: Callable) -> Callable:
    """Visitors log in first; after a POST they come back to the board (the POST is not kept)."""

    @wraps(view)
    def wrapper(request: HttpRequest, event: Event, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            back = request.get_full_path() if request.method == "GET" else _board_url(event)
            return redirect_to_login(back)
        return view(request, event, *args, **kwargs)

    return wrapper


def _board_url(event: Event, page: int = 1, session: Session | None = None) -> str:
    url = reverse("events:session-board", kwargs={"slug": event.slug})
    if page > 1:
        url += f"?seite={page}"
    return url + (f"#session-{session.pk}" if session else "")


def _slot_labels(slots: Iterable[TimeSlot]) -> dict[TimeSlot, str]:
    """ "10:00–11:00", with the day in front when the barcamp spans several days."""
    slots = list(slots)
    days = {timezone.localdate(slot.starts_at) for slot in slots}
    if len(days) < 2:
        return {slot: str(slot) for slot in slots}
    return {
        slot: f"{date_format(timezone.localtime(slot.starts_at), 'D, j. n.')} {slot}"
        for slot in slots
    }


def _schedule(rooms: list[Room], slots: list[TimeSlot], sessions: Iterable[Session]) -> dict:
    """The public grid: a row per time slot, a cell per room, each holding a session or None."""
    placed = {(s.room_id, s.slot_id): s for s in sessions if s.is_placed}
    return {
        "rooms": rooms,
        "rows": [
            (label, [placed.get((room.pk, slot.pk)) for room in rooms])
            for slot, label in _slot_labels(slots).items()
        ],
        "is_empty": not placed,
    }


def _board(request: HttpRequest, event: Event, *, status: int = 200) -> HttpResponse:
    user = request.user
    page = Paginator(event.sessions.for_board(), BOARD_PAGE_SIZE).get_page(request.GET.get("seite"))
    schedule = _schedule(
        list(event.rooms.all()), list(event.slots.all()), event.sessions.placed().for_board()
    )
    context = {
        "event": event,
        "page_obj": page,
        "page_number": page.number,
        "sessions": page.object_list,
        "schedule": schedule,
        "marked": set(event.sessions.marked_by(user).values_list("pk", flat=True)),
        "closed": services.session_planning_closed(event),
        "can_propose": services.can_propose_session(event, user),
        "is_organiser": user.has_perm("events.manage_event", event),
    }
    return render(request, "events/session_board.html", context, status=status)


@with_event
@barcamp_only
def session_board(request: HttpRequest, event: Event) -> HttpResponse:
    return _board(request, event)


@with_event
@barcamp_only
@login_first
@require_http_methods(["GET", "POST"])
def session_propose(request: HttpRequest, event: Event) -> HttpResponse:
    if closed := services.session_planning_closed(event):
        status = 400 if request.method == "POST" else 200
        return render(
            request, "events/session_form.html", {"event": event, "closed": closed}, status=status
        )
    if not services.can_propose_session(event, request.user):
        raise PermissionDenied(
            _(
                "Sessions schlagen die angemeldeten Teilnehmer:innen vor. Bitte melden Sie sich "
                "zuerst auf der Seite der Veranstaltung an."
            )
        )
    form = SessionForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            session = services.session_propose(event=event, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Danke! Ihr Vorschlag steht jetzt auf dem Board."))
            return redirect(_board_url(event, session=session))
    status = 400 if form.errors else 200
    return render(
        request, "events/session_form.html", {"event": event, "form": form}, status=status
    )


@require_POST
@with_event
@barcamp_only
@login_first
def session_vote(request: HttpRequest, event: Event, pk: int) -> HttpResponse:
    session = get_object_or_404(event.sessions.all(), pk=pk)
    page = request.POST.get("seite", "")
    page = int(page) if page.isdigit() else 1
    try:
        marked = services.session_vote_toggle(session=session, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        # htmx swaps nothing on an error status: the page reloads and shows the message.
        return HttpResponseClientRefresh() if request.htmx else _board(request, event, status=400)
    if not request.htmx:
        return redirect(_board_url(event, page, session))
    context = {
        "event": event,
        "session": event.sessions.with_interest().get(pk=pk),
        "marked": {session.pk} if marked else set(),
        "page_number": page,
    }
    return render(request, "events/includes/_session_vote.html", context)


@with_event
@barcamp_only
@organiser_only
@require_http_methods(["GET", "POST"])
def session_grid(request: HttpRequest, event: Event) -> HttpResponse:
    rooms, slots = list(event.rooms.all()), list(event.slots.all())
    sessions = list(event.sessions.for_board())
    labels = _slot_labels(slots)

    def placement_form(session: Session, data=None) -> PlacementForm:
        initial = {"room": session.room_id, "slot": session.slot_id}
        auto_id = f"id_session_{session.pk}_%s"
        return PlacementForm(
            data, rooms=rooms, slot_labels=labels, initial=initial, auto_id=auto_id
        )

    posted = None
    if request.method == "POST":
        posted = next((s for s in sessions if str(s.pk) == request.POST.get("session")), None)
        if posted is None:
            raise Http404
        form = placement_form(posted, request.POST)
        if form.is_valid():
            try:
                services.session_place(session=posted, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if posted.is_placed:
                    text = _("„%(title)s“ ist eingeplant: %(room)s, %(slot)s.") % {
                        "title": posted.title,
                        "room": posted.room,
                        "slot": labels[posted.slot],
                    }
                else:
                    text = _("„%(title)s“ ist nicht mehr eingeplant.") % {"title": posted.title}
                messages.success(request, text)
                url = reverse("events:session-grid", kwargs={"slug": event.slug})
                return redirect(f"{url}#session-{posted.pk}")
    rows = [(s, form if s is posted else placement_form(s)) for s in sessions]
    context = {
        "event": event,
        "rows": rows,
        "schedule": _schedule(rooms, slots, sessions),
        "can_place": bool(rooms and slots),
    }
    return render(
        request, "events/session_grid.html", context, status=400 if posted is not None else 200
    )


@with_event
@barcamp_only
@login_first
@require_http_methods(["GET", "POST"])
def session_notes(request: HttpRequest, event: Event, pk: int) -> HttpResponse:
    session = get_object_or_404(event.sessions.all(), pk=pk)
    user = request.user
    if session.proposer_id != user.pk and not user.has_perm("events.manage_event", event):
        raise PermissionDenied(
            _("Notizen ergänzen nur die Gastgeber:innen der Session und das Orga-Team.")
        )
    data = request.POST if request.method == "POST" else None
    form = NotesForm(data, initial={"notes": session.notes})
    if form.is_valid():
        services.session_notes_update(session=session, user=user, notes=form.cleaned_data["notes"])
        messages.success(request, _("Die Notizen sind gespeichert."))
        return redirect(_board_url(event, session=session))
    status = 400 if form.errors else 200
    context = {"event": event, "session": session, "form": form}
    return render(request, "events/session_notes_form.html", context, status=status)
