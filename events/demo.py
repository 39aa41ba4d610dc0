"""Demo events: the Herbstforum 2020 with its Dokumentation, an upcoming barcamp, a full
Werkstattgespräch with a waitlist, an online evening for members and a past Netzwerktreffen.

The kinds of events and the Herbstforum's topics follow the source documents; the wording is our
own, and every person, venue and address is fictional. Rows are written directly, not through
events.services, which would send mail. Everything is looked up by slug or natural key, so a
second run changes nothing; upcoming dates count from the day of the first run and then stay.
"""

import io
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from blog.demo import minimal_pdf
from forums.models import Comment, Forum, Thesis
from forums.services import comment_insert
from network.models import User

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
    SessionVote,
    TimeSlot,
)

BERLIN = ZoneInfo("Europe/Berlin")
CONFIRMED = Registration.Status.CONFIRMED
WAITLISTED = Registration.Status.WAITLISTED

ORGA = "orga@example.org"
ALBERS = "mitglied@example.org"
HARTWIG = "lena.hartwig@example.org"
PETERSEN = "jonas.petersen@example.org"
DEMIR = "aylin.demir@example.org"
LANGE = "friedrich.lange@example.org"
BRANDT = "sophie.brandt@example.org"
ARSLAN = "kemal.arslan@example.org"
SOMMER = "greta.sommer@example.org"
NIEMANN = "paul.niemann@example.org"
WINTER = "nora.winter@example.org"
HOFFMANN = "till.hoffmann@example.org"
KAYA = "elif.kaya@example.org"
VOIGT = "hannes.voigt@example.org"

# A person on a list of registrations: a member's email, or a visitor without an account as
# (name, email, organisation); then accessibility needs and dietary needs.
Person = tuple[str | tuple[str, str, str], str, str]


def _member(email: str) -> Person:
    return (email, "", "")


def _at(day: date, clock: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _on_or_after(day: date, weekday: int) -> date:
    """The first day with this weekday (Monday 0) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _day_of(event: Event) -> date:
    return timezone.localtime(event.starts_at, BERLIN).date()


# --- Herbstforum 2020 ----------------------------------------------------------------------

HERBSTFORUM_DAY = date(2020, 10, 29)

HERBSTFORUM = {
    "kind": Event.Kind.HERBSTFORUM,
    "title": "Herbstforum 2020: Barrieren abbauen, Vertrauen aufbauen",
    "lead": (
        "Integrierte Jugendhilfeplanung kann mehr als Probleme lösen: Sie kann ihnen "
        "vorbeugen. Beim Herbstforum fragen die Partnerkommunen, was sie daran hindert – und "
        "wie sich diese Hürden abtragen lassen."
    ),
    "description": (
        "Kommunen stehen unter Druck, in diesem Jahr mehr denn je. Wer Kinder und Familien "
        "früh erreichen will, muss über Ämtergrenzen hinweg planen. Doch wo genau hakt es: in "
        "den Strukturen, in der Organisation oder im Rollenverständnis der Beteiligten?\n\n"
        "Beim Herbstforum arbeiten Fachkräfte der Jugendhilfeplanung, Abteilungs- und "
        "Sachgebietsleitungen der Partnerkommunen und Gäste aus der Initiative an diesen "
        "Fragen – mit Blick auf die eigene Kommune:\n\n"
        "- Wie arbeiten die Ämter bei uns heute zusammen?\n"
        "- Welche Barrieren spüren wir, und welche Themen drängen?\n"
        "- Welcher nächste Schritt ist machbar?\n\n"
        "Zwei **Impulse aus der Wissenschaft** geben der Diskussion Tiefe. Am Nachmittag "
        "vertiefen wir sie in Gesprächsrunden mit den Referierenden.\n\n"
        "Für die Veranstaltung gilt ein Hygienekonzept; wir schicken es mit der Bestätigung."
    ),
    "venue": "Tagungshaus am Kanal",
    "address": "Kanalufer 7\n10963 Berlin",
    "accessibility_notes": (
        "Der Saal im Erdgeschoss ist stufenlos erreichbar, eine barrierefreie Toilette liegt "
        "im Foyer. Im Saal gibt es eine Induktionsschleife. Bitte nennen Sie uns weiteren "
        "Unterstützungsbedarf bei der Anmeldung, etwa Gebärdensprachdolmetschung."
    ),
    "starts_at": _at(HERBSTFORUM_DAY, "09:30"),
    "ends_at": _at(HERBSTFORUM_DAY, "16:30"),
    "capacity": 60,
    "registration_opens_at": _at(date(2020, 9, 1), "09:00"),
    "registration_closes_at": _at(date(2020, 10, 22), "18:00"),
    "audience": Event.Audience.PUBLIC,
    "status": Event.Status.PUBLISHED,
}

OSTROWSKI = "Prof. Dr. Marlene Ostrowski"
HABERLAND = "Dr. Felix Haberland"

HERBSTFORUM_AGENDA = [
    ("09:30", "Ankommen bei Kaffee und Tee", ""),
    ("10:00", "Begrüßung und Ziele des Tages", "Oskar Reinholt, Kommune 360°"),
    ("10:20", "Impuls: Vertrauen als Grundlage integrierter Sozialplanung", OSTROWSKI),
    ("11:00", "Impuls: Integriert denken – muss das wirklich jede:r?", HABERLAND),
    ("11:45", "Arbeitsphase: Die Lage in unserer Kommune", "Teams der Partnerkommunen"),
    ("13:00", "Mittagspause", ""),
    ("14:00", "Gesprächsrunden mit den Referierenden", f"{OSTROWSKI}, {HABERLAND}"),
    ("15:30", "Ergebnisse, nächste Schritte und Ausblick", "Oskar Reinholt"),
    ("16:30", "Ende", ""),
]

HERBSTFORUM_PEOPLE: list[Person] = [
    _member(ALBERS),
    _member(HARTWIG),
    _member(PETERSEN),
    _member(WINTER),
    _member(VOIGT),
    (HOFFMANN, "", "vegetarisch"),
    _member(SOMMER),
    _member(NIEMANN),
]

REPORT = {
    "title": "Dokumentation: Herbstforum 2020 – Vertrauen als Schlüssel",
    "lead": (
        "Was hält integrierte Jugendhilfeplanung auf, und was hilft weiter? Die "
        "Partnerkommunen haben beim Herbstforum ihre eigene Lage untersucht. Zwei Impulse aus "
        "der Wissenschaft lieferten dazu Begriffe, Zweifel und Mut."
    ),
    "body": (
        "## Worum es ging\n\n"
        "Rund vierzig Menschen aus Jugendhilfeplanung, Abteilungs- und Sachgebietsleitungen "
        "der Partnerkommunen und aus der Initiative haben einen Tag lang an einer Frage "
        "gearbeitet: Wie wird aus gut gemeinter Planung eine, die Kindern und Familien "
        "vorbeugend hilft – und was steht dem in der eigenen Verwaltung im Weg?\n\n"
        "## Die Lage in den Kommunen\n\n"
        "In der Arbeitsphase hat jedes Kommunalteam seine Ausgangslage beschrieben: Wie "
        "arbeiten die Ämter heute zusammen, wo gibt es Besonderheiten, welche Themen drängen? "
        "Genannt wurden vor allem\n\n"
        "- getrennte Budgets und Zuständigkeiten, die gemeinsame Vorhaben ausbremsen,\n"
        "- unterschiedliche Fachsprachen von Jugendhilfe, Schule und Gesundheit,\n"
        "- eine unklare Rolle der Jugendhilfeplanung zwischen Steuerung und Dienstleistung.\n\n"
        "## Impulse aus der Wissenschaft\n\n"
        "Beide Gäste haben die Erfahrungen der Kommunen aus unterschiedlicher Richtung "
        "beleuchtet (Zusammenfassungen unten). Gemeinsam war ihnen der nüchterne Blick: "
        "Integrierte Planung gelingt selten vollständig. Dass man sich ihr nur annähern kann, "
        "spricht aber nicht gegen die Idee.\n\n"
        "## Was die Teilnehmenden mitnehmen\n\n"
        "1. **Gremien gezielt aktivieren** – dort, wo ein Thema gerade gebraucht wird.\n"
        "2. **Vertrauen bewusst aufbauen**: die anderen nach ihrer Sicht fragen und die "
        "eigene anbieten.\n"
        "3. **Klein anfangen** und Verbündete suchen, statt auf den großen Wurf zu warten.\n"
        "4. **Beharrlich bleiben** – Überzeugungsarbeit braucht einen langen Atem.\n"
        "5. **Rollen klären**: Wer übernimmt ausdrücklich den integrierenden Blick?\n\n"
        "## Wie es weitergeht\n\n"
        "Im Forum „K360-Herbstforum“ diskutieren wir weiter, welche kleinen Schritte bei "
        "Ihnen Vertrauen haben wachsen lassen. Die Ergebnisse der Arbeitsphase finden Sie im "
        "Anhang.\n\n"
        "*Die Referierenden sind fiktive Personen; diese Dokumentation ist ein Beispiel für "
        "die Demo.*"
    ),
    "published_at": _at(date(2020, 11, 5), "10:00"),
}

# (speaker, affiliation, title, summary)
CONTRIBUTIONS = [
    (
        OSTROWSKI,
        "Professorin für Sozialplanung, Hochschule Harzvorland",
        "Vertrauen als Grundlage integrierter Sozialplanung",
        "Marlene Ostrowski zeichnete nach, wie sich die Rolle der Jugendhilfeplanung in den "
        "letzten Jahrzehnten verändert hat und in welchen Zwickmühlen Planer:innen heute "
        "stecken: zwischen Steuerungsauftrag und Alltagsgeschäft, zwischen Ressortlogik und "
        "dem Blick auf ganze Familien. Ihr Schlüsselbegriff war Vertrauen. Ohne Vertrauen "
        "entstehe keine Kooperation zwischen Ämtern und keine Bereitschaft von Bürger:innen, "
        "sich an Planung zu beteiligen. Ihre Empfehlungen: Gremien bedarfsgerecht aktivieren, "
        "Perspektiven austauschen, klein anfangen, Verbündete suchen und beharrlich bleiben.",
    ),
    (
        HABERLAND,
        "Wissenschaftlicher Mitarbeiter, Institut für kommunale Netzwerkarbeit",
        "Integriert denken – muss das wirklich jede:r?",
        "Felix Haberland, der Kommunen bei Netzwerkarbeit und Sozialplanung berät, sah die "
        "Verwaltung durch die Brille der Systemtheorie. Organisationen funktionieren, weil sie "
        "Komplexität reduzieren; Wahrnehmung und Kommunikation sind darum immer begrenzt. "
        "Daraus folgerte er eine entlastende These: Nicht alle Beteiligten in allen Ressorts "
        "müssen integriert denken. Oft genügt es, wenn einzelne Personen diese Rolle bewusst "
        "und mit Auftrag übernehmen – und dafür den Rücken frei bekommen.",
    ),
]

# Thesis numbers the Herbstforum took up (see forums.demo).
REPORT_THESES = [2, 3]

# (author email, Markdown text, replies as (author email, text))
REPORT_COMMENTS = [
    (
        HOFFMANN,
        "Der Gedanke, dass nicht alle integriert denken müssen, hat bei uns im Fachdienst "
        "eine gute Diskussion ausgelöst. Wir haben jetzt eine **Koordinationsrolle** "
        "beschrieben und im Stellenplan verankert.",
        [
            (
                BRANDT,
                "Spannend – wie habt ihr die Rolle gegenüber den anderen Ämtern begründet? "
                "Das wäre ein gutes Beispiel für das nächste Werkstattgespräch.",
            )
        ],
    ),
]


def _illustration() -> bytes:
    """A drawn stand-in for a photo: three round tables of people in front of a screen."""
    image = Image.new("RGB", (960, 600), (246, 238, 224))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 420, 960, 600), fill=(214, 196, 170))
    draw.rectangle((290, 40, 670, 250), fill=(255, 255, 255), outline=(110, 80, 50), width=6)
    font = ImageFont.load_default(size=46)
    left, top, right, bottom = draw.textbbox((0, 0), "Herbstforum", font=font)
    draw.text(
        (480 - (right - left) / 2, 145 - (bottom - top) / 2 - top),
        "Herbstforum",
        fill=(170, 80, 30),
        font=font,
    )
    colours = [(193, 84, 45), (62, 110, 140), (226, 170, 60), (95, 140, 90), (140, 90, 150)]

    def person(x: int, y: int, colour: tuple[int, int, int]) -> None:
        draw.ellipse((x - 22, y, x + 22, y + 44), fill=(235, 200, 170))
        draw.rounded_rectangle((x - 30, y + 42, x + 30, y + 110), radius=20, fill=colour)

    for n, x in enumerate((170, 480, 790)):
        for k, dx in enumerate((-60, 0, 60)):  # behind the table
            person(x + dx, 340, colours[(n + k) % len(colours)])
        draw.ellipse((x - 95, 430, x + 95, 500), fill=(150, 105, 70))
        for k, dx in enumerate((-112, 112)):  # at its ends, in front
            person(x + dx, 400, colours[(n + k + 3) % len(colours)])
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


# --- Barcamp -------------------------------------------------------------------------------

BARCAMP = {
    "kind": Event.Kind.BARCAMP,
    "title": "Barcamp der Partnerkommunen: Planung gemeinsam gestalten",
    "lead": (
        "Ein Tag ohne festes Programm: Die Teilnehmenden bringen ihre Fragen und Erfahrungen "
        "mit, schlagen Sessions vor und entscheiden gemeinsam, worüber gesprochen wird."
    ),
    "description": (
        "Beim Barcamp machen alle das Programm. Wer ein Thema hat – eine offene Frage, ein "
        "Praxisbeispiel, eine Idee für einen Workshop –, schlägt vorab eine Session vor. Die "
        "anderen zeigen mit einem Klick, was sie interessiert, und das Orga-Team verteilt die "
        "Sessions auf Räume und Zeitfenster.\n\n"
        "**So machen Sie mit**\n\n"
        "1. Melden Sie sich an.\n"
        "2. Schlagen Sie auf der Session-Seite ein Thema vor oder bekunden Sie Interesse.\n"
        "3. Am Morgen stellen alle Gastgeber:innen ihre Sessions kurz vor.\n\n"
        "Eingeladen sind Verwaltung, Politik, Wissenschaft und Zivilgesellschaft aus den "
        "Partnerkommunen und dem ganzen Netzwerk."
    ),
    "venue": "Werkhof Plagwitz",
    "address": "Werkhallenstraße 12\n04229 Leipzig",
    "accessibility_notes": (
        "Alle drei Räume liegen ebenerdig, eine barrierefreie Toilette ist vorhanden. Der "
        "große Saal hat eine mobile Induktionsschleife. Ruhiger Rückzugsraum im ersten Stock "
        "(mit Aufzug)."
    ),
    "capacity": 80,
    "audience": Event.Audience.PUBLIC,
    "status": Event.Status.PUBLISHED,
}

BARCAMP_AGENDA = [
    ("09:30", "Ankommen und Kaffee", ""),
    ("10:00", "Begrüßung und Vorstellung der Sessions", "Oskar Reinholt"),
    ("10:30", "Erste Session-Runde", ""),
    ("11:30", "Zweite Session-Runde", ""),
    ("12:15", "Mittagspause", ""),
    ("13:30", "Dritte Session-Runde", ""),
    ("14:30", "Abschlussrunde: Was nehmen wir mit?", ""),
    ("15:30", "Ende", ""),
]

ROOMS = ["Großer Saal", "Werkstatt", "Bibliothek"]
SLOTS = [("10:30", "11:15"), ("11:30", "12:15"), ("13:30", "14:15")]

# (title, format, proposer, description, (room index, slot index) or None, interested members)
SESSIONS = [
    (
        "Präventionskette ohne eigene Koordinationsstelle – geht das?",
        Session.Format.DISKUSSION,
        HARTWIG,
        "Wir bauen eine Präventionskette auf, haben aber keine eigene Stelle dafür. Wer hat "
        "Erfahrungen damit, die Koordination auf mehrere Schultern zu verteilen?",
        (0, 0),
        [ALBERS, PETERSEN, WINTER, VOIGT, SOMMER, KAYA],
    ),
    (
        "Ein gemeinsamer Datenbericht für Jugend, Bildung und Gesundheit",
        Session.Format.PRAXIS,
        WINTER,
        "Wie wir in zwei Jahren von drei Berichten zu einem gekommen sind – und was wir beim "
        "nächsten Mal anders machen würden.",
        (1, 0),
        [HARTWIG, HOFFMANN, VOIGT, ARSLAN],
    ),
    (
        "Jugendliche an der Jugendhilfeplanung beteiligen",
        Session.Format.WORKSHOP,
        ALBERS,
        "Wir probieren gemeinsam Methoden aus, mit denen Jugendliche Bedarfe selbst "
        "beschreiben. Bitte eigene Erfahrungen und Fragen mitbringen.",
        (0, 1),
        [KAYA, NIEMANN, DEMIR, BRANDT, SOMMER],
    ),
    (
        "Kinderbudget im Quartier: erste Erfahrungen",
        Session.Format.PRAXIS,
        NIEMANN,
        "Kinder haben in unserem Stadtteil über ein eigenes Budget entschieden. Ich berichte "
        "von der Auswertung und von dem, was schiefging.",
        (2, 1),
        [KAYA, ALBERS, DEMIR],
    ),
    (
        "Freie Träger früh einbinden – aber wie?",
        Session.Format.FISHBOWL,
        SOMMER,
        "Träger sitzen oft genau an den Schnittstellen, die in der Verwaltung gesucht werden. "
        "Ein offener Stuhlkreis über gute und schlechte Beispiele.",
        (1, 2),
        [NIEMANN, HARTWIG, LANGE],
    ),
    (
        "Agile Methoden im Jugendamt – ein Erfahrungsbericht",
        Session.Format.INPUT,
        HOFFMANN,
        "Kurzer Input zu Kanban und Retrospektiven im Fachdienst Jugend, danach Austausch: "
        "Was passt zur Verwaltung, was nicht?",
        (2, 2),
        [WINTER, PETERSEN],
    ),
    (
        "Jugendhilfe- und Schulausschuss an einen Tisch",
        Session.Format.DISKUSSION,
        DEMIR,
        "Einmal im Jahr tagen bei uns beide Ausschüsse gemeinsam. Wie lässt sich das "
        "vorbereiten, damit mehr daraus wird als ein Termin?",
        None,
        [LANGE, ALBERS],
    ),
]

BARCAMP_VISITORS: list[Person] = [
    (("Svenja Roloff", "svenja.roloff@example.org", "Kinder- und Jugendbüro"), "", "vegan"),
    (
        ("Jan-Erik Fuchs", "jan-erik.fuchs@example.org", "Stadtverwaltung, Bildungsbüro"),
        "",
        "",
    ),
]


# --- Werkstattgespräch (full, with a waitlist) ---------------------------------------------

WERKSTATT = {
    "kind": Event.Kind.WERKSTATTGESPRAECH,
    "title": "Werkstattgespräch: Politik früh einbeziehen",
    "lead": (
        "Wie kommen Verwaltung und Kommunalpolitik ins Gespräch, bevor eine Vorlage fertig "
        "ist? Ein Nachmittag in kleiner Runde mit Beispielen aus den Partnerkommunen."
    ),
    "description": (
        "Im Expert:innen-Team haben wir Praxistipps gesammelt, wie Verwaltung und Politik "
        "besser zusammenarbeiten. Zwei davon vertiefen wir in diesem Werkstattgespräch:\n\n"
        "- **Politik früh einbeziehen** – nicht erst, wenn abgestimmt wird.\n"
        "- **Klare Entscheidungsvorlagen** – eine Frage, wenige Optionen, eine Empfehlung.\n\n"
        "Wir arbeiten an echten (anonymisierten) Vorlagen und probieren in einem kurzen "
        "Planspiel aus, wie ein Ausschuss sie liest. Die Runde ist bewusst klein: zwölf "
        "Plätze, damit alle zu Wort kommen."
    ),
    "venue": "Stadtteilzentrum Nordstern",
    "address": "Sternweg 9\n34127 Kassel",
    "accessibility_notes": (
        "Der Seminarraum im ersten Stock ist mit dem Aufzug erreichbar; eine barrierefreie "
        "Toilette gibt es im Erdgeschoss. Vom Bahnhof Kassel-Wilhelmshöhe fährt die "
        "Straßenbahn bis vor die Tür."
    ),
    "capacity": 12,
    "audience": Event.Audience.PUBLIC,
    "status": Event.Status.PUBLISHED,
}

WERKSTATT_AGENDA = [
    ("13:30", "Ankommen und Vorstellungsrunde", ""),
    ("14:00", "Was wir im Expert:innen-Team gelernt haben", "Oskar Reinholt"),
    ("14:30", "Vorlagen unter der Lupe", "alle"),
    ("15:45", "Kaffeepause", ""),
    ("16:00", "Planspiel: Der Ausschuss tagt", "alle"),
    ("17:00", "Verabredungen und Ausklang", ""),
]

WERKSTATT_CONFIRMED: list[Person] = [
    _member(PETERSEN),
    _member(DEMIR),
    (
        ("Beate Kranich", "beate.kranich@example.org", "Jugendhilfeausschuss"),
        "Ich nutze einen Rollstuhl und brauche einen Platz ohne Stufen.",
        "",
    ),
    _member(LANGE),
    _member(BRANDT),
    (
        ("Dirk Sandmann", "dirk.sandmann@example.org", "Büro des Oberbürgermeisters"),
        "",
        "",
    ),
    (ARSLAN, "", "vegetarisch"),
    (("Yasemin Öztürk", "yasemin.oeztuerk@example.org", "Kinder- und Jugendbüro"), "", ""),
    _member(VOIGT),
    (
        ("Malte Grünewald", "malte.gruenewald@example.org", "Kreistagsfraktion, Referent"),
        "",
        "glutenfrei",
    ),
    _member(HARTWIG),
    (("Ines Hofer", "ines.hofer@example.org", "Landesjugendamt, Fortbildung"), "", ""),
]

WERKSTATT_WAITLIST: list[Person] = [
    _member(KAYA),
    (("Robert Lindqvist", "robert.lindqvist@example.org", "Familienbüro"), "", ""),
    (
        ("Carla Mendes", "carla.mendes@example.org", "Stadtjugendring"),
        "Ich bin schwerhörig; bitte einen Platz nahe der Moderation.",
        "",
    ),
]


# --- Online evening (members only) and a past Netzwerktreffen ------------------------------

ONLINE = {
    "kind": Event.Kind.ONLINE,
    "title": "Online-Reihe „Daten für die Planung“: Sozialdaten kleinräumig auswerten",
    "lead": (
        "Neunzig Minuten Austausch am Bildschirm: Wie werten Kommunen Sozialdaten für "
        "Stadtteile und Quartiere aus, ohne sich in Tabellen zu verlieren?"
    ),
    "description": (
        "In unserer Online-Reihe stellen Mitglieder vor, wie sie mit Daten planen. Diesmal "
        "geht es um kleinräumige Auswertungen: Welche Zahlen braucht die Jugendhilfeplanung "
        "wirklich, wie bleiben sie datenschutzkonform, und wie macht man sie für Ausschüsse "
        "verständlich?\n\n"
        "Den Zugangslink sehen Sie nach der Anmeldung auf dieser Seite und in der "
        "Erinnerungsmail."
    ),
    "online_url": "https://konferenz.example.org/k360-daten-fuer-die-planung",
    "accessibility_notes": (
        "Wir schalten Live-Untertitel ein. Die Folien schicken wir vorab an alle "
        "Angemeldeten, auf Wunsch auch als barrierearmes PDF."
    ),
    "audience": Event.Audience.MEMBERS,
    "status": Event.Status.PUBLISHED,
}

ONLINE_PEOPLE: list[Person] = [
    _member(WINTER),
    _member(HOFFMANN),
    _member(VOIGT),
    _member(ARSLAN),
    _member(PETERSEN),
]

NETZWERKTREFFEN = {
    "kind": Event.Kind.NETZWERKTREFFEN,
    "title": "Netzwerktreffen der Partnerkommunen",
    "lead": (
        "Die Partnerkommunen berichten, wo sie mit ihren Vorhaben stehen, und verabreden, "
        "woran sie in den nächsten Monaten gemeinsam arbeiten."
    ),
    "description": (
        "Einmal im Halbjahr treffen sich die Ansprechpersonen der Partnerkommunen. Auf dem "
        "Programm: ein Blitzlicht aus jeder Kommune, die Themen für die nächsten "
        "Werkstattgespräche und Zeit für kollegiale Beratung in kleinen Gruppen."
    ),
    "venue": "Haus der Vereine",
    "address": "Am Kirchplatz 3\n37073 Göttingen",
    "accessibility_notes": "Ebenerdiger Zugang, barrierefreie Toilette im Erdgeschoss.",
    "audience": Event.Audience.MEMBERS,
    "status": Event.Status.PUBLISHED,
}

NETZWERKTREFFEN_PEOPLE: list[Person] = [
    _member(ALBERS),
    _member(HARTWIG),
    _member(PETERSEN),
    _member(SOMMER),
    _member(NIEMANN),
    _member(WINTER),
]


# --- Writing -------------------------------------------------------------------------------


def _event(slug: str, fields: dict, organiser: User | None) -> Event:
    event, _created = Event.objects.get_or_create(slug=slug, defaults=fields)
    if organiser is not None:
        event.organisers.add(organiser)
    return event


def _agenda(event: Event, items: list[tuple[str, str, str]]) -> None:
    day = _day_of(event)
    for clock, title, speakers in items:
        AgendaItem.objects.get_or_create(
            event=event, starts_at=_at(day, clock), title=title, defaults={"speakers": speakers}
        )


def _register(
    event: Event,
    people: list[Person],
    users: dict[str, User],
    *,
    status: str,
    first_at: datetime,
    step: timedelta,
) -> None:
    """Registrations in queue order: each person queued `step` after the one before."""
    for position, (who, accessibility_needs, dietary_needs) in enumerate(people):
        at = first_at + step * position
        if isinstance(who, str):
            user = users[who]
            name, email = user.display_name, user.email
            organisation = user.organisation_name or str(user.organisation or "")
            if not organisation and user.municipality_id:
                organisation = user.municipality.name
        else:
            user = None
            name, email, organisation = who
        Registration.objects.get_or_create(
            event=event,
            email=email,
            defaults={
                "user": user,
                "name": name,
                "organisation": organisation,
                "accessibility_needs": accessibility_needs,
                "dietary_needs": dietary_needs,
                "status": status,
                # Visitors consent when they register; members' data comes from their account.
                "consent_at": at if user is None else None,
                "queued_at": at,
                "confirmed_at": at if status == CONFIRMED else None,
            },
        )


def _seed_herbstforum(users: dict[str, User]) -> Event:
    event = _event(
        "herbstforum-2020",
        {**HERBSTFORUM, "forum": Forum.objects.filter(slug="herbstforum").first()},
        users.get(ORGA),
    )
    _agenda(event, HERBSTFORUM_AGENDA)
    _register(
        event,
        HERBSTFORUM_PEOPLE,
        users,
        status=CONFIRMED,
        first_at=event.registration_opens_at + timedelta(days=2, hours=1),
        step=timedelta(days=3, hours=2),
    )

    report, created = Report.objects.get_or_create(
        event=event,
        defaults={
            "title": REPORT["title"],
            "lead": REPORT["lead"],
            "body": REPORT["body"],
            "status": Report.Status.DRAFT,
        },
    )
    for order, (speaker, affiliation, title, summary) in enumerate(CONTRIBUTIONS, start=1):
        Contribution.objects.get_or_create(
            report=report,
            order=order,
            defaults={
                "speaker": speaker,
                "affiliation": affiliation,
                "title": title,
                "summary": summary,
            },
        )
    report.theses.add(*Thesis.objects.filter(number__in=REPORT_THESES))
    if not report.photos.exists():
        photo = ReportPhoto(
            report=report,
            alt_text=(
                "Zeichnung: Menschen sitzen an drei runden Tischen vor einer Leinwand mit der "
                "Aufschrift „Herbstforum“."
            ),
            caption="Arbeitsphase: Die Kommunalteams sprechen über Barrieren in ihrer Verwaltung.",
            credit="Illustration: Kommune 360° (Demo)",
            order=1,
        )
        photo.image.save(
            "herbstforum-2020-arbeitsphase.jpg", ContentFile(_illustration()), save=False
        )
        photo.save()
    if not report.attachments.exists():
        attachment = ReportAttachment(
            report=report, title="Ergebnisse der Arbeitsphase (Herbstforum 2020)", order=1
        )
        pdf = minimal_pdf(
            [
                "Kommune 360° - Herbstforum 2020 (Demo)",
                "Ergebnisse der Arbeitsphase:",
                "Barrieren in der Verwaltung und erste Schritte,",
                "gesammelt von den Teams der Partnerkommunen.",
            ]
        )
        attachment.file.save("herbstforum-2020-ergebnisse.pdf", ContentFile(pdf), save=False)
        attachment.save()
    if created:
        # Published only now, complete with contributions and theses, so the search indexes
        # the finished Dokumentation.
        report.status = Report.Status.PUBLISHED
        report.published_at = REPORT["published_at"]
        report.save()

    if not Comment.objects.for_target(report).exists():
        at = report.published_at + timedelta(days=1, hours=6)
        for email, text, replies in REPORT_COMMENTS:
            root = comment_insert(
                target=report, author=users.get(email), source=text, created_at=at
            )
            for position, (reply_email, reply_text) in enumerate(replies, start=1):
                comment_insert(
                    target=report,
                    author=users.get(reply_email),
                    source=reply_text,
                    parent=root,
                    created_at=at + timedelta(hours=3 * position),
                )
            at += timedelta(days=1)
    return event


def _seed_barcamp(users: dict[str, User], today: date) -> Event:
    day = _on_or_after(today + timedelta(weeks=5), 4)  # a Friday
    event = _event(
        "barcamp-partnerkommunen",
        {
            **BARCAMP,
            "starts_at": _at(day, "09:30"),
            "ends_at": _at(day, "15:30"),
            "registration_opens_at": _at(today - timedelta(days=21), "09:00"),
        },
        users.get(ORGA),
    )
    day = _day_of(event)
    _agenda(event, BARCAMP_AGENDA)
    rooms = [
        Room.objects.get_or_create(event=event, name=name, defaults={"order": order})[0]
        for order, name in enumerate(ROOMS, start=1)
    ]
    slots = [
        TimeSlot.objects.get_or_create(
            event=event, starts_at=_at(day, start), defaults={"ends_at": _at(day, end)}
        )[0]
        for start, end in SLOTS
    ]
    # Everyone who proposes or marks interest is registered, as the board requires.
    participants = list(dict.fromkeys(email for s in SESSIONS for email in [s[2], *s[5]]))
    _register(
        event,
        [_member(email) for email in participants] + BARCAMP_VISITORS,
        users,
        status=CONFIRMED,
        first_at=event.registration_opens_at + timedelta(hours=2),
        step=timedelta(hours=7),
    )
    for title, session_format, proposer, description, cell, interested in SESSIONS:
        session, _created = Session.objects.get_or_create(
            event=event,
            title=title,
            defaults={
                "format": session_format,
                "proposer": users[proposer],
                "description": description,
                "room": rooms[cell[0]] if cell else None,
                "slot": slots[cell[1]] if cell else None,
            },
        )
        for email in interested:
            SessionVote.objects.get_or_create(session=session, user=users[email])
    return event


def _seed_werkstatt(users: dict[str, User], today: date) -> Event:
    day = _on_or_after(today + timedelta(weeks=3), 2)  # a Wednesday
    event = _event(
        "werkstattgespraech-politik-frueh-einbeziehen",
        {
            **WERKSTATT,
            "starts_at": _at(day, "13:30"),
            "ends_at": _at(day, "17:30"),
            "registration_opens_at": _at(today - timedelta(days=14), "09:00"),
        },
        users.get(ORGA),
    )
    _agenda(event, WERKSTATT_AGENDA)
    opened = event.registration_opens_at
    step = timedelta(hours=5, minutes=20)
    _register(
        event,
        WERKSTATT_CONFIRMED,
        users,
        status=CONFIRMED,
        first_at=opened + timedelta(minutes=12),
        step=step,
    )
    # The waitlist forms after the last seat went, one after another.
    _register(
        event,
        WERKSTATT_WAITLIST,
        users,
        status=WAITLISTED,
        first_at=opened + step * len(WERKSTATT_CONFIRMED) + timedelta(hours=3),
        step=timedelta(hours=9),
    )
    return event


def _seed_online(users: dict[str, User], today: date) -> Event:
    day = _on_or_after(today + timedelta(days=10), 1)  # a Tuesday
    event = _event(
        "online-reihe-sozialdaten-kleinraeumig",
        {
            **ONLINE,
            "starts_at": _at(day, "16:00"),
            "ends_at": _at(day, "17:30"),
            "registration_opens_at": _at(today - timedelta(days=7), "09:00"),
        },
        users.get(ORGA),
    )
    _register(
        event,
        ONLINE_PEOPLE,
        users,
        status=CONFIRMED,
        first_at=event.registration_opens_at + timedelta(hours=1),
        step=timedelta(hours=11),
    )
    return event


def _seed_netzwerktreffen(users: dict[str, User], today: date) -> Event:
    day = _on_or_after(today - timedelta(weeks=7), 3)  # a Thursday, six to seven weeks ago
    event = _event(
        "netzwerktreffen-partnerkommunen",
        {
            **NETZWERKTREFFEN,
            "starts_at": _at(day, "10:00"),
            "ends_at": _at(day, "16:00"),
            "registration_opens_at": _at(day - timedelta(weeks=6), "09:00"),
        },
        users.get(ORGA),
    )
    _register(
        event,
        NETZWERKTREFFEN_PEOPLE,
        users,
        status=CONFIRMED,
        first_at=event.registration_opens_at + timedelta(hours=3),
        step=timedelta(days=2),
    )
    return event


def seed(*, stdout=None) -> None:
    users = {
        user.email: user
        for user in User.objects.filter(email__endswith="@example.org").select_related(
            "organisation", "municipality"
        )
    }
    today = timezone.localdate(timezone=BERLIN)
    _seed_herbstforum(users)
    _seed_barcamp(users, today)
    _seed_werkstatt(users, today)
    _seed_online(users, today)
    _seed_netzwerktreffen(users, today)

    if stdout is not None:
        events = Event.objects.published()
        reports = Report.objects.published().count()
        stdout.write(
            f"Veranstaltungen: {events.count()} Termine, davon {events.upcoming().count()} "
            f"anstehend; {Registration.objects.count()} Anmeldungen, "
            f"{Session.objects.count()} Sessions, {reports} "
            f"{'Dokumentation' if reports == 1 else 'Dokumentationen'}"
        )
