"""Demo content of the network: organisations, 12 real partner municipalities, demo accounts.

The municipalities are real (name, Land, type, AGS, coordinates) and marked as demo; every
person is fictional. The accounts exist only through seed_demo, never in production.
"""

from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from .models import MembershipApplication, Municipality, Organisation, Sector, User

DEMO_PASSWORD = "kommune360"

ORGANISATIONS = [
    {
        "slug": "auridis-stiftung",
        "name": "Auridis Stiftung",
        "website": "https://www.auridis.de",
        "address": "Luxemburger Allee 8\n45481 Mülheim an der Ruhr",
        "description": (
            "Fördert Vorhaben, die Kindern in belasteten Lebenslagen bessere Chancen geben, "
            "und setzt dabei auf die Kommune als Ort, an dem Hilfe ankommt."
        ),
    },
    {
        "slug": "deutsche-kinder-und-jugendstiftung",
        "name": "Deutsche Kinder- und Jugendstiftung",
        "website": "https://www.dkjs.de",
        "address": "Tempelhofer Ufer 11\n10963 Berlin",
        "description": (
            "Bringt seit Jahrzehnten Schulen, Verwaltungen und Zivilgesellschaft zusammen, "
            "damit junge Menschen gut aufwachsen können."
        ),
    },
    {
        "slug": "phineo",
        "name": "PHINEO gAG",
        "website": "https://www.phineo.org",
        "address": "Anna-Louisa-Karsch-Straße 2\n10178 Berlin",
        "description": (
            "Analyse- und Beratungshaus für wirkungsvolles gesellschaftliches Engagement; "
            "beschäftigt sich seit 2019 mit Kommunen als Wirkungsfeld."
        ),
    },
]

# (slug, name, kind, AGS, population, lat, lon); the Land follows from the AGS.
MUNICIPALITIES = [
    ("oberhausen", "Oberhausen", "kreisfreie_stadt", "05119000", 209000, "51.49630", "6.86380"),
    ("ingolstadt", "Ingolstadt", "kreisfreie_stadt", "09161000", 142000, "48.76650", "11.42580"),
    ("bremerhaven", "Bremerhaven", "kreisfreie_stadt", "04012000", 117000, "53.53960", "8.58090"),
    ("leipzig", "Leipzig", "kreisfreie_stadt", "14713000", 619000, "51.33970", "12.37310"),
    (
        "landkreis-osnabrueck",
        "Landkreis Osnabrück",
        "landkreis",
        "03459000",
        362000,
        "52.32000",
        "8.02000",
    ),
    ("kiel", "Kiel", "kreisfreie_stadt", "01002000", 248000, "54.32330", "10.12280"),
    ("jena", "Jena", "kreisfreie_stadt", "16053000", 111000, "50.92710", "11.58920"),
    ("potsdam", "Potsdam", "kreisfreie_stadt", "12054000", 187000, "52.39060", "13.06450"),
    (
        "offenbach-am-main",
        "Offenbach am Main",
        "kreisfreie_stadt",
        "06413000",
        133000,
        "50.09560",
        "8.77610",
    ),
    ("ludwigsburg", "Ludwigsburg", "gemeinde", "08118048", 94000, "48.89750", "9.19190"),
    ("rostock", "Rostock", "kreisfreie_stadt", "13003000", 209000, "54.09240", "12.09910"),
    ("mainz", "Mainz", "kreisfreie_stadt", "07315000", 220000, "49.99290", "8.24730"),
]

# (email, name, function, sector, municipality slug, groups, staff, coordinator)
ACCOUNTS = [
    (
        "mitglied@example.org",
        "Miriam Albers",
        "Jugendhilfeplanerin",
        Sector.VERWALTUNG,
        "oberhausen",
        [],
        False,
        True,
    ),
    (
        "orga@example.org",
        "Oskar Reinholt",
        "Referent für Veranstaltungen",
        Sector.ZIVILGESELLSCHAFT,
        None,
        ["Organisation"],
        False,
        False,
    ),
    (
        "redaktion@example.org",
        "Rana Yilmaz",
        "Redakteurin",
        Sector.ZIVILGESELLSCHAFT,
        None,
        ["Redaktion"],
        False,
        False,
    ),
    (
        "moderation@example.org",
        "Mats Kowalczyk",
        "Community-Moderation",
        Sector.ZIVILGESELLSCHAFT,
        None,
        ["Moderation"],
        False,
        False,
    ),
    (
        "admin@example.org",
        "Ada Brenner",
        "Programmleitung",
        Sector.ZIVILGESELLSCHAFT,
        None,
        [],
        True,
        False,
    ),
]

# A dozen more fictional members across sectors and municipalities.
MEMBERS = [
    (
        "lena.hartwig@example.org",
        "Lena Hartwig",
        "Sozialplanerin",
        Sector.VERWALTUNG,
        "ingolstadt",
        "Sozialplanung, Präventionsketten",
    ),
    (
        "jonas.petersen@example.org",
        "Jonas Petersen",
        "Leiter Jugendamt",
        Sector.VERWALTUNG,
        "kiel",
        "Jugendhilfeplanung, Steuerung",
    ),
    (
        "aylin.demir@example.org",
        "Aylin Demir",
        "Stadtverordnete",
        Sector.POLITIK,
        "offenbach-am-main",
        "Jugendhilfeausschuss, Beteiligung",
    ),
    (
        "friedrich.lange@example.org",
        "Friedrich Lange",
        "Kreistagsmitglied",
        Sector.POLITIK,
        "landkreis-osnabrueck",
        "Kinderarmut, Haushalt",
    ),
    (
        "sophie.brandt@example.org",
        "Prof. Dr. Sophie Brandt",
        "Professorin für Sozialplanung",
        Sector.WISSENSCHAFT,
        None,
        "Sozialplanung, Wirkungsorientierung",
    ),
    (
        "kemal.arslan@example.org",
        "Dr. Kemal Arslan",
        "Wissenschaftlicher Mitarbeiter",
        Sector.WISSENSCHAFT,
        None,
        "Netzwerkarbeit, Datenbasierte Planung",
    ),
    (
        "greta.sommer@example.org",
        "Greta Sommer",
        "Geschäftsführerin Familienzentrum",
        Sector.ZIVILGESELLSCHAFT,
        "leipzig",
        "Familienbildung, Frühe Hilfen",
    ),
    (
        "paul.niemann@example.org",
        "Paul Niemann",
        "Quartiersmanager",
        Sector.ZIVILGESELLSCHAFT,
        "rostock",
        "Quartier, Beteiligung",
    ),
    (
        "nora.winter@example.org",
        "Nora Winter",
        "Bildungskoordinatorin",
        Sector.VERWALTUNG,
        "jena",
        "Bildungsplanung, Präventionsketten",
    ),
    (
        "till.hoffmann@example.org",
        "Till Hoffmann",
        "Fachdienstleiter Jugend",
        Sector.VERWALTUNG,
        "potsdam",
        "Jugendhilfeplanung, Agiles Arbeiten",
    ),
    (
        "elif.kaya@example.org",
        "Elif Kaya",
        "Ortsbeirätin",
        Sector.POLITIK,
        "mainz",
        "Kinderrechte, Beteiligung",
    ),
    (
        "hannes.voigt@example.org",
        "Hannes Voigt",
        "Sachgebietsleiter Planung",
        Sector.VERWALTUNG,
        "bremerhaven",
        "Steuerung, Präventionsketten",
    ),
]


# Most profiles are for members only; some are public, one is hidden.
VISIBILITY = {
    "sophie.brandt@example.org": User.Visibility.PUBLIC,
    "lena.hartwig@example.org": User.Visibility.PUBLIC,
    "hannes.voigt@example.org": User.Visibility.HIDDEN,
}

# Open applications for staff to decide in the admin (fictional people).
APPLICATIONS = [
    (
        "Tamara Weiß",
        "tamara.weiss@example.org",
        "Landkreis Vorpommern-Greifswald",
        "Landkreis Vorpommern-Greifswald",
        "Sozialplanerin",
        Sector.VERWALTUNG,
        "Wir bauen gerade eine Präventionskette auf und suchen Austausch mit erfahrenen Kommunen.",
    ),
    (
        "Ole Brandes",
        "ole.brandes@example.org",
        "Kinderschutzbund Ortsverband",
        "Lüneburg",
        "Geschäftsführer",
        Sector.ZIVILGESELLSCHAFT,
        "Als freier Träger möchten wir früher in die Jugendhilfeplanung einbezogen werden.",
    ),
]


def _account(email: str, name: str, **fields) -> tuple[User, bool]:
    user, created = User.objects.get_or_create(email=email, defaults={"name": name, **fields})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user, created


def seed(stdout=None) -> None:
    for data in ORGANISATIONS:
        Organisation.objects.get_or_create(slug=data["slug"], defaults={**data, "is_sponsor": True})
    municipalities = {}
    for slug, name, kind, ags, population, lat, lon in MUNICIPALITIES:
        municipalities[slug], _ = Municipality.objects.get_or_create(
            ags=ags,
            defaults={
                "slug": slug,
                "name": name,
                "kind": kind,
                "bundesland": ags[:2],
                "population": population,
                "latitude": Decimal(lat),
                "longitude": Decimal(lon),
                "is_partner": True,
                "is_demo": True,
            },
        )

    for email, name, function, sector, municipality, groups, staff, coordinator in ACCOUNTS:
        user, created = _account(
            email,
            name,
            function=function,
            sector=sector,
            municipality=municipalities.get(municipality),
            is_staff=staff,
            is_superuser=staff,
            is_coordinator=coordinator,
        )
        if created:
            user.groups.set(Group.objects.filter(name__in=groups))
            if coordinator and user.municipality:
                user.municipality.contact_people.add(user)

    for email, name, function, sector, municipality, topics in MEMBERS:
        user, created = _account(
            email,
            name,
            function=function,
            sector=sector,
            municipality=municipalities.get(municipality),
            profile_visibility=VISIBILITY.get(email, User.Visibility.MEMBERS),
        )
        if created:
            user.topics.set([t.strip() for t in topics.split(",")])

    member = User.objects.get(email="mitglied@example.org")
    if not member.topics.exists():
        member.topics.set(["Jugendhilfeplanung", "Präventionsketten", "Beteiligung"])
        member.bio = (
            "Plane seit zehn Jahren Jugendhilfe in Oberhausen und koordiniere unseren "
            "Selbstcheck. Mich interessiert, wie Politik und Verwaltung früher ins Gespräch kommen."
        )
        member.save(update_fields=["bio"])

    for name, email, organisation, municipality_name, function, sector, motivation in APPLICATIONS:
        MembershipApplication.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "organisation": organisation,
                "municipality_name": municipality_name,
                "function": function,
                "sector": sector,
                "motivation": motivation,
                "consent_version": "2026-11",
                "consent_at": timezone.now(),
            },
        )

    if stdout is not None:
        stdout.write(
            f"Netzwerk: {Organisation.objects.count()} Organisationen, "
            f"{Municipality.objects.partners().count()} Partnerkommunen, "
            f"{User.objects.count()} Mitglieder"
        )
