"""iCalendar (RFC 5545) for events: one event with its barcamp sessions, or all upcoming ones."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar
from icalendar import Event as VEvent

from .models import Event, Session

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//Kommune 360°//Veranstaltungen//DE"


def _local(moment: datetime) -> datetime:
    return moment.astimezone(BERLIN)


def _location(event: Event) -> str:
    parts = [event.venue, " ".join(event.address.split())] if event.venue or event.address else []
    place = ", ".join(part for part in parts if part)
    if not place and event.online_url:
        return "Online"
    return place


def _event_component(event: Event, stamp: datetime) -> VEvent:
    url = settings.SITE_URL + event.get_absolute_url()
    component = VEvent()
    component.add("uid", event.uid)
    component.add("dtstamp", stamp)
    component.add("sequence", event.sequence)
    component.add("dtstart", _local(event.starts_at))
    component.add("dtend", _local(event.ends_at))
    component.add("summary", event.title)
    component.add("description", f"{event.lead}\n\n{url}")
    component.add("url", url)
    location = _location(event)
    if location:
        component.add("location", location)
    component.add("last-modified", event.updated_at)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def _session_component(session: Session, event: Event, stamp: datetime) -> VEvent:
    component = VEvent()
    component.add("uid", session.uid)
    component.add("dtstamp", stamp)
    component.add("sequence", session.sequence + event.sequence)
    component.add("dtstart", _local(session.slot.starts_at))
    component.add("dtend", _local(session.slot.ends_at))
    component.add("summary", f"{session.title} ({event.title})")
    component.add("description", session.description)
    component.add("location", f"{session.room.name}, {_location(event)}".rstrip(", "))
    component.add("url", settings.SITE_URL + session.get_absolute_url())
    component.add("related-to", event.uid)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return component


def _calendar(name: str, components: Iterable[VEvent], moments: list[datetime]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Berlin")
    for component in components:
        calendar.add_component(component)
    # The VTIMEZONE covers the years the calendar's times fall in, not all of history.
    today = timezone.localdate()
    first = min([moment.date() for moment in moments] + [today]) - timedelta(days=366)
    last = max([moment.date() for moment in moments] + [today]) + timedelta(days=366)
    calendar.add_missing_timezones(first_date=date(first.year, 1, 1), last_date=last)
    return calendar.to_ical()


def _placed_sessions(event: Event) -> list[Session]:
    return list(
        event.sessions.filter(slot__isnull=False, room__isnull=False)
        .select_related("room", "slot")
        .order_by("slot__starts_at", "room__order", "pk")
    )


def event_calendar(event: Event) -> bytes:
    """The event (and, for a barcamp, each placed session) as an .ics file."""
    stamp = timezone.now()
    sessions = _placed_sessions(event) if event.kind == Event.Kind.BARCAMP else []
    components = [_event_component(event, stamp)]
    components += [_session_component(session, event, stamp) for session in sessions]
    return _calendar(event.title, components, [event.starts_at, event.ends_at])


def events_calendar(events: Iterable[Event]) -> bytes:
    """All given events in one calendar (the subscribable /veranstaltungen/kalender.ics)."""
    stamp = timezone.now()
    events = list(events)
    return _calendar(
        "Kommune 360° – Veranstaltungen",
        [_event_component(event, stamp) for event in events],
        [moment for event in events for moment in (event.starts_at, event.ends_at)],
    )
