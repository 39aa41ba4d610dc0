"""Demo newsletter content: a few subscribers, one sent issue in the archive, one draft.

Written directly through the models (nothing is sent); idempotent. People are fictional.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from .models import Delivery, Newsletter, Subscriber, Topic
from .services import CONSENT_TEXT, CONSENT_VERSION

BERLIN = ZoneInfo("Europe/Berlin")

SUBSCRIBERS = [
    ("lena.hartwig@example.org", "Lena Hartwig", ["integrierte-planung", "praxis"]),
    ("jonas.brenner@example.org", "Jonas Brenner", ["veranstaltungen"]),
    ("amt51@example.org", "", ["selbstcheck", "integrierte-planung"]),
    ("fachstelle.fruehe-hilfen@example.org", "Fachstelle Frühe Hilfen", ["forschung"]),
]

SENT_BODY = """\
## Rückblick auf das Herbstforum

Vierzig Menschen aus Partnerkommunen und Initiative haben einen Tag lang an der Frage
gearbeitet, was integrierte Planung aufhält. Die Dokumentation mit beiden Impulsen aus der
Wissenschaft steht jetzt online.

## Selbstcheck: die erste Runde ist abgeschlossen

Fünf Kommunen haben den Selbstcheck mit mehreren Fachbereichen beantwortet. Ab sofort zeigt
die Auswertung auch den Median des Netzwerks.

## Termine

- Werkstattgespräch „Politik früh einbeziehen“ – ausgebucht, die Warteliste ist offen
- Barcamp der Partnerkommunen – Sessions können schon vorgeschlagen werden
"""

DRAFT_BODY = """\
## Was uns im neuen Jahr erwartet

Ein Entwurf der Redaktion: Termine, neue Partnerkommunen und ein Blick in die Foren.
"""


def seed(*, stdout) -> None:
    signed_up = datetime(2026, 9, 1, 10, tzinfo=BERLIN)
    for email, name, topic_slugs in SUBSCRIBERS:
        subscriber, created = Subscriber.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "status": Subscriber.Status.CONFIRMED,
                "signed_up_at": signed_up,
                "confirmed_at": signed_up.replace(minute=12),
                "consent_version": CONSENT_VERSION,
                "consent_text": CONSENT_TEXT,
                "signup_source": "http://127.0.0.1:8000/newsletter/",
            },
        )
        if created:
            subscriber.topics.set(Topic.objects.filter(slug__in=topic_slugs))
    sent_at = datetime(2026, 11, 10, 9, tzinfo=BERLIN)
    issue, created = Newsletter.objects.get_or_create(
        slug="newsletter-november-2026",
        defaults={
            "subject": "Newsletter November 2026: Herbstforum, Selbstcheck, Termine",
            "preheader": "Die Dokumentation des Herbstforums ist online.",
            "body": SENT_BODY,
            "status": Newsletter.Status.SENT,
            "in_archive": True,
            "started_at": sent_at,
            "finished_at": sent_at.replace(minute=1),
        },
    )
    if created:
        Delivery.objects.bulk_create(
            Delivery(
                newsletter=issue,
                email=subscriber.email,
                name=subscriber.name,
                subscriber=subscriber,
                state=Delivery.State.SENT,
                attempts=1,
                claimed_at=sent_at,
                sent_at=sent_at,
            )
            for subscriber in Subscriber.objects.confirmed().order_by("pk")
        )
    Newsletter.objects.get_or_create(
        slug="newsletter-januar-2027",
        defaults={
            "subject": "Newsletter Januar 2027 (Entwurf)",
            "body": DRAFT_BODY,
        },
    )
    stdout.write(
        f"Newsletter: {Subscriber.objects.confirmed().count()} Abonnent:innen, "
        f"{Newsletter.objects.count()} Ausgaben (1 im Archiv)"
    )
