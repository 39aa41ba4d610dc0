"""Events: list, event page and calendars with 10 and 500 events and registrations (time and
query count), and the time 50 simultaneous registrations for 10 seats take to settle."""

import threading
import time
from datetime import timedelta

from bench.common import bench_database, measure, print_table


def _seed(count: int, now):
    from events.models import Event, Registration

    events = Event.objects.bulk_create(
        Event(
            kind=Event.Kind.WERKSTATTGESPRAECH,
            title=f"Werkstattgespräch {count}-{n}",
            slug=f"bench-{count}-{n}",
            lead="Austausch über integrierte Planung.",
            starts_at=now + timedelta(days=n - count // 2),
            ends_at=now + timedelta(days=n - count // 2, hours=4),
            capacity=count,
            status=Event.Status.PUBLISHED,
        )
        for n in range(count)
    )
    target = events[-1]
    Registration.objects.bulk_create(
        Registration(
            event=target,
            name=f"Gast {n}",
            email=f"gast-{count}-{n}@example.org",
            status=Registration.Status.CONFIRMED,
            queued_at=now,
            token=f"bench-{count}-{n}",
        )
        for n in range(count)
    )
    return target


def _concurrent_registrations() -> dict[str, object]:
    from django.db import connection

    from events import services
    from events.models import Registration
    from tests.factories import EventFactory, bulk_members

    event = EventFactory(capacity=10, slug="bench-ansturm")
    members = bulk_members(50)
    barrier = threading.Barrier(50)

    def register(user):
        barrier.wait()
        services.registration_create(event=event, user=user)
        connection.close()

    threads = [threading.Thread(target=register, args=(user,)) for user in members]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = (time.perf_counter() - start) * 1000
    statuses = list(Registration.objects.filter(event=event).values_list("status", flat=True))
    return {
        "Anmeldungen": 50,
        "bestätigt": statuses.count("confirmed"),
        "Warteliste": statuses.count("waitlisted"),
        "gesamt_ms": elapsed,
    }


def main() -> list[dict]:
    from django.test import Client
    from django.utils import timezone

    from tests.factories import UserFactory

    with bench_database():
        now = timezone.now()
        visitor, member = Client(), Client()
        member.force_login(UserFactory(name="Bench Mitglied"))
        rows = []
        for count in (10, 500):
            target = _seed(count, now)
            for label, url in [
                ("Liste", "/veranstaltungen/"),
                ("Liste vergangen", "/veranstaltungen/?zeit=vergangen"),
                ("Veranstaltungsseite", target.get_absolute_url()),
                ("Kalender (alle)", "/veranstaltungen/kalender.ics"),
            ]:
                for who, client in [("Besucher:in", visitor), ("Mitglied", member)]:
                    result = measure(lambda c=client, u=url: c.get(u))
                    rows.append({"Seite": label, "wer": who, "Anzahl": count, **result})
        print_table(
            "Veranstaltungen: Serverzeit (ms) und Abfragen mit 10 und 500 Veranstaltungen "
            "und Anmeldungen",
            rows,
        )
        concurrent = _concurrent_registrations()
        print_table("50 gleichzeitige Anmeldungen für 10 Plätze", [concurrent])
    return [*rows, {"Seite": "50 gleichzeitige Anmeldungen", **concurrent}]


if __name__ == "__main__":
    main()
