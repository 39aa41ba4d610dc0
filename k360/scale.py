"""A network at production scale, for load tests (`manage.py seed_scale`, `make bench`).

Everything is written with bulk_create into an empty PostgreSQL database and then indexed for
the search in bulk, so the whole network stands in a few minutes. Texts come from one seeded
random generator: the same scale gives the same network. Every name is made up; addresses use
the reserved domain example.org.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

# Members and subscribers of the scale network have addresses here; it marks a seeded database.
DOMAIN = "skala.example.org"
SEED = 360


@dataclass(frozen=True)
class Counts:
    """What a scale network holds at scale 1.0 (issue 9)."""

    municipalities: int = 500
    members: int = 10_000
    theses: int = 4
    comments_per_thesis: int = 1_000
    posts: int = 2_000
    events: int = 300
    documents: int = 50_000
    subscribers: int = 10_000

    def scaled(self, factor: float) -> "Counts":
        # The four theses stay four; everything else grows or shrinks, at least one of each.
        values = {
            f.name: max(1, round(getattr(self, f.name) * factor))
            for f in fields(self)
            if f.name != "theses"
        }
        return Counts(theses=self.theses, **values)


# Words of the initiative's field, the first ones the most frequent. The search benchmark
# (bench/search.py) draws its documents from the same words.
VOCABULARY = [
    "Planung",
    "Planungen",
    "Jugendhilfeplanung",
    "Sozialplanung",
    "Schulentwicklungsplanung",
    "Präventionskette",
    "Präventionsketten",
    "Beteiligung",
    "Kinder",
    "Familien",
    "Jugendliche",
    "Kommune",
    "Kommunen",
    "Landkreis",
    "Verwaltung",
    "Politik",
    "Netzwerk",
    "Kooperation",
    "Steuerung",
    "Sozialraum",
    "Sozialraumorientierung",
    "Kindertagesstätte",
    "Kita",
    "Schule",
    "Ganztag",
    "Jugendamt",
    "Gesundheitsamt",
    "Familienzentrum",
    "Armut",
    "Kinderarmut",
    "Teilhabe",
    "Bildung",
    "Übergang",
    "Elternarbeit",
    "Frühe",
    "Hilfen",
    "Datenbasis",
    "Monitoring",
    "Haushalt",
    "Ressourcen",
    "Fachkräfte",
    "Qualifizierung",
    "Ehrenamt",
    "Vereine",
    "Stadtteil",
    "Quartier",
    "Integration",
    "Inklusion",
    "Gesundheit",
    "Bewegung",
    "Ernährung",
    "Wohnen",
    "Mobilität",
    "Digitalisierung",
    "Dokumentation",
    "Werkstatt",
    "Barcamp",
    "Austausch",
    "Erfahrung",
    "Praxis",
    "Wissenschaft",
    "Forschung",
    "Evaluation",
    "Wirkung",
    "Ziele",
    "Strategie",
    "Leitbild",
    "Haltung",
    "Verantwortung",
    "gemeinsam",
    "integriert",
    "ressortübergreifend",
    "nachhaltig",
]
_WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]
_SYLLABLES = [
    "ka",
    "ro",
    "te",
    "mi",
    "sun",
    "ber",
    "lo",
    "va",
    "gen",
    "dorf",
    "hau",
    "ni",
    "sa",
    "pel",
    "tru",
    "wo",
    "ko",
    "fa",
    "lin",
    "mer",
]


class Texts:
    """Seeded text: pseudo-words with a realistic long tail, one word in twelve a topic word."""

    def __init__(self, rng: random.Random, filler_words: int = 45_000):
        self.rng = rng
        # About 40,000 different words, as many as a real corpus of 50,000 documents has.
        self.filler = [
            "".join(rng.choices(_SYLLABLES, k=rng.randint(2, 4))) for _ in range(filler_words)
        ]

    def words(self, count: int) -> str:
        rng = self.rng
        return " ".join(
            rng.choices(VOCABULARY, _WEIGHTS)[0] if rng.random() < 0.08 else rng.choice(self.filler)
            for _ in range(count)
        )

    def title(self, count: int = 6) -> str:
        return self.words(count).capitalize()


_FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Kemal",
    "Lena",
    "Mats",
    "Nora",
    "Ole",
    "Paula",
    "Quirin",
    "Rosa",
    "Sami",
    "Tilda",
    "Umut",
    "Vera",
    "Wim",
    "Xenia",
    "Yasmin",
    "Zoe",
    "Jakob",
    "Mira",
    "Theo",
    "Lotta",
]
_LAST_NAMES = [
    "Albrecht",
    "Bauer",
    "Cakir",
    "Dietrich",
    "Engel",
    "Fischer",
    "Günther",
    "Haas",
    "Iversen",
    "Jansen",
    "Kessler",
    "Lorenz",
    "Maurer",
    "Nowak",
    "Otto",
    "Peters",
    "Quandt",
    "Richter",
    "Schulte",
    "Thiel",
    "Ulrich",
    "Vogt",
    "Weber",
    "Yildiz",
    "Zimmer",
    "Brandt",
    "Demir",
    "Hartmann",
    "Krüger",
    "Lindner",
]
_PLACE_STEMS = [
    "Eichen",
    "Linden",
    "Buchen",
    "Erlen",
    "Birken",
    "Weiden",
    "Tannen",
    "Ahorn",
    "Rosen",
    "Lerchen",
    "Falken",
    "Wolfs",
    "Hasel",
    "Kirsch",
    "Apfel",
    "Mühl",
    "Stein",
    "Sand",
    "Moor",
    "Heide",
    "Wiesen",
    "Quell",
    "Brunn",
    "Sonnen",
    "Nebel",
]
_PLACE_ENDINGS = [
    "au",
    "feld",
    "hausen",
    "dorf",
    "berg",
    "bach",
    "heim",
    "stedt",
    "burg",
    "rode",
    "tal",
    "furt",
    "brück",
    "hagen",
    "wald",
    "see",
    "ingen",
    "born",
    "kirchen",
    "weiler",
]
_FUNCTIONS = [
    "Jugendhilfeplaner:in",
    "Sozialplaner:in",
    "Leitung Jugendamt",
    "Präventionskoordination",
    "Bildungskoordination",
    "Ratsmitglied",
    "Wissenschaftliche Mitarbeiter:in",
    "Quartiersmanagement",
    "Geschäftsführung Familienzentrum",
]
_TOPICS = [
    "Präventionsketten",
    "Jugendhilfeplanung",
    "Sozialraum",
    "Kinderarmut",
    "Ganztag",
    "Beteiligung",
    "Monitoring",
    "Frühe Hilfen",
    "Gesundheit",
    "Digitalisierung",
    "Übergänge",
    "Ehrenamt",
]
_VENUES = ["Rathaus", "Bürgerhaus", "Stadthalle", "Kreishaus", "Familienzentrum", "Volkshochschule"]


def german_number(value: int) -> str:
    """10000 → "10.000", as German readers group digits."""
    return f"{value:,}".replace(",", ".")


def is_seeded() -> bool:
    from network.models import User

    return User.objects.filter(email__endswith=f"@{DOMAIN}").exists()


def refusal() -> str | None:
    """Why seed_scale must not run on this database, or None when it may."""
    from django.conf import settings

    from blog.models import Post
    from forums.models import Thesis
    from network.models import User

    if not settings.USING_POSTGRES:
        return "seed_scale braucht PostgreSQL (DATABASE_URL=postgres://…)."
    if is_seeded():
        return "Diese Datenbank enthält das Skalen-Netzwerk schon; ein zweiter Lauf ändert nichts."
    if User.objects.exists() or Post.objects.exists() or Thesis.objects.exists():
        return (
            "seed_scale füllt nur eine leere Datenbank (ohne Mitglieder, Beiträge und Thesen), "
            "damit keine echten Inhalte zwischen Testdaten geraten."
        )
    return None


class _Seeder:
    def __init__(self, counts: Counts, report: Callable[[str], None]):
        self.counts = counts
        self.report = report
        self.rng = random.Random(SEED)
        self.texts = Texts(self.rng)
        self.now = timezone.now()
        self.started = time.perf_counter()

    def step(self, label: str, count: int) -> None:
        seconds = f"{time.perf_counter() - self.started:6.1f}".replace(".", ",")
        self.report(f"{seconds} s  {german_number(count):>7} {label}")

    def _ids(self, table: str, count: int) -> list[int]:
        """Reserve primary keys: a comment's path ends in its own key, known before the insert."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def municipalities(self) -> list:
        from network.models import Bundesland, Municipality

        rng, names = self.rng, []
        for stem in _PLACE_STEMS:
            for ending in _PLACE_ENDINGS:
                names.append(stem + ending)
        rng.shuffle(names)
        lands = Bundesland.values
        rows = []
        for n in range(self.counts.municipalities):
            name = names[n % len(names)]
            if n >= len(names):
                name = f"{name} {n // len(names) + 1}"
            land = rng.choice(lands)
            kind = rng.choice(list(Municipality.Kind.values))
            rows.append(
                Municipality(
                    name=name if kind != "landkreis" else f"Landkreis {name}",
                    slug=slugify(f"{name}-{n}"),
                    kind=kind,
                    bundesland=land,
                    ags=f"{land}{n:06d}",
                    population=rng.randint(5_000, 600_000),
                    latitude=round(rng.uniform(47.5, 54.8), 5),
                    longitude=round(rng.uniform(6.0, 14.9), 5),
                    is_partner=rng.random() < 0.2,
                )
            )
        created = Municipality.objects.bulk_create(rows, batch_size=1000)
        self.step("Kommunen", len(created))
        return created

    def members(self, municipalities: list) -> list:
        from allauth.account.models import EmailAddress

        from network.models import Sector, User

        rng = self.rng
        sectors = Sector.values
        visibilities = ["members"] * 7 + ["public"] * 2 + ["hidden"]
        rows = []
        for n in range(self.counts.members):
            first, last = rng.choice(_FIRST_NAMES), rng.choice(_LAST_NAMES)
            rows.append(
                User(
                    email=f"mitglied{n:05d}@{DOMAIN}",
                    name=f"{first} {last}",
                    password=UNUSABLE_PASSWORD_PREFIX + f"skala{rng.getrandbits(64):x}",
                    function=rng.choice(_FUNCTIONS),
                    sector=rng.choice(sectors),
                    municipality=rng.choice(municipalities),
                    profile_visibility=rng.choice(visibilities),
                    date_joined=self.now - timedelta(days=rng.randint(1, 1500)),
                )
            )
        members = User.objects.bulk_create(rows, batch_size=2000)
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=m, email=m.email, verified=True, primary=True) for m in members),
            batch_size=2000,
        )
        self.tag(User, members, fewest=0)
        self.step("Mitglieder", len(members))
        return members

    def tag(self, model, objects: list, *, fewest: int) -> None:
        """Between `fewest` and three of the topics on each object (taggit's generic rows)."""
        from django.contrib.contenttypes.models import ContentType
        from taggit.models import Tag, TaggedItem

        tags = [Tag.objects.get_or_create(name=name)[0] for name in _TOPICS]
        content_type = ContentType.objects.get_for_model(model)
        TaggedItem.objects.bulk_create(
            (
                TaggedItem(tag=tag, content_type=content_type, object_id=obj.pk)
                for obj in objects
                for tag in self.rng.sample(tags, self.rng.randint(fewest, 3))
            ),
            batch_size=5000,
        )

    def comments(self, target, members: list, total: int, *, stances: bool, start) -> int:
        """Threads of five as in a lively discussion: a root, a chain of three, a sibling."""
        from django.contrib.contenttypes.models import ContentType

        from forums.markdown import render_markdown
        from forums.models import PATH_STEP, Comment, Stance

        rng, texts = self.rng, self.texts
        content_type = ContentType.objects.get_for_model(target)
        ids = iter(self._ids("forums_comment", total))
        rows: list[Comment] = []
        n = 0
        while n < total:
            size = min(5, total - n)
            root = None
            for position in range(size):
                # 0: root; 1–3: a chain, each answering the one before; 4: a second reply to root
                parent = None if position == 0 else (root if position in (1, 4) else rows[-1])
                pk = next(ids)
                source = texts.words(rng.randint(15, 120))
                if rng.random() < 0.2:
                    source += f"\n\n*{texts.title(4)}*"
                comment = Comment(
                    pk=pk,
                    content_type=content_type,
                    object_id=target.pk,
                    parent=parent,
                    root_id=root.pk if root else pk,
                    path=(parent.path if parent else "") + f"{pk:0{PATH_STEP}d}/",
                    depth=parent.depth + 1 if parent else 0,
                    author=rng.choice(members),
                    source=source,
                    html=render_markdown(source),
                    stance=rng.choice(Stance.values) if stances and parent is None else "",
                    created_at=start + timedelta(minutes=7 * (n + position)),
                    reply_count=size - 1 if position == 0 else 0,
                )
                rows.append(comment)
                root = root or comment
            n += size
        Comment.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def theses(self, members: list) -> list:
        from forums.demo import THESES
        from forums.models import Statement, Thesis

        theses = []
        for number, (title, slug, lead, body, *_rest) in sorted(THESES.items()):
            theses.append(
                Thesis.objects.create(
                    number=number,
                    title=title,
                    slug=slug,
                    lead=lead,
                    body=body,
                    opens_at=self.now - timedelta(days=120 - 10 * number),
                )
            )
        Statement.objects.bulk_create(
            Statement(
                thesis=thesis,
                name=f"{self.rng.choice(_FIRST_NAMES)} {self.rng.choice(_LAST_NAMES)}",
                role=self.rng.choice(_FUNCTIONS),
                text=self.texts.words(80),
                order=order,
            )
            for thesis in theses
            for order in range(2)
        )
        total = 0
        for thesis in theses:
            total += self.comments(
                thesis,
                members,
                self.counts.comments_per_thesis,
                stances=True,
                start=thesis.opens_at + timedelta(hours=1),
            )
        self.step(f"Kommentare zu {len(theses)} Thesen", total)
        return theses

    def posts(self, members: list) -> list:

        from blog.models import Category, Post
        from forums.markdown import render_markdown

        rng, texts = self.rng, self.texts
        editors = rng.sample(members, min(12, len(members)))
        rows = []
        for n in range(self.counts.posts):
            body = "\n\n".join(texts.words(rng.randint(40, 120)) for _ in range(rng.randint(2, 5)))
            rows.append(
                Post(
                    title=texts.title(rng.randint(4, 8)),
                    slug=f"beitrag-{n + 1:05d}",
                    lead=texts.words(30),
                    body=body,
                    body_html=render_markdown(body),
                    byline="Redaktion Kommune 360°" if n % 3 == 0 else "",
                    category=rng.choice(Category.values),
                    status=Post.Status.PUBLISHED,
                    # One post every day or so, the newest an hour ago.
                    published_at=self.now - timedelta(hours=1 + 20 * n),
                )
            )
        posts = Post.objects.bulk_create(rows, batch_size=1000)
        Post.authors.through.objects.bulk_create(
            (
                Post.authors.through(post=p, user=rng.choice(editors))
                for p in posts
                if p.byline == ""
            ),
            batch_size=2000,
        )
        self.tag(Post, posts, fewest=1)
        self.step("Beiträge", len(posts))
        return posts

    def events(self, members: list) -> list:
        from events.models import Event, Registration
        from forums.markdown import render_editorial_markdown

        rng, texts = self.rng, self.texts
        rows = []
        total = self.counts.events
        for n in range(total):
            # Two thirds lie behind us, one third ahead: one every five days or so.
            starts = self.now + timedelta(days=5 * (n - 2 * total // 3), hours=rng.randint(8, 12))
            description = "\n\n".join(texts.words(rng.randint(30, 80)) for _ in range(3))
            place = rng.choice(_PLACE_STEMS) + rng.choice(_PLACE_ENDINGS)
            kind = rng.choice(Event.Kind.values)
            rows.append(
                Event(
                    kind=kind,
                    title=texts.title(rng.randint(3, 6)),
                    slug=f"veranstaltung-{n + 1:04d}",
                    lead=texts.words(25),
                    description=description,
                    description_html=render_editorial_markdown(description),
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=rng.choice([2, 6, 8, 30])),
                    venue="" if kind == "online" else f"{rng.choice(_VENUES)} {place}",
                    address="" if kind == "online" else f"Markt {rng.randint(1, 40)}, {place}",
                    capacity=rng.choice([None, 30, 60, 120, 200]),
                    audience="members" if rng.random() < 0.15 else "public",
                    status="cancelled" if rng.random() < 0.03 else "published",
                )
            )
        events = Event.objects.bulk_create(rows, batch_size=1000)
        registrations = []
        for event in events:
            for member in rng.sample(members, min(len(members), rng.randint(5, 25))):
                registrations.append(
                    Registration(
                        event=event,
                        user=member,
                        name=member.name,
                        email=member.email,
                        status=Registration.Status.CONFIRMED,
                        queued_at=event.starts_at - timedelta(days=14),
                        confirmed_at=event.starts_at - timedelta(days=14),
                    )
                )
        Registration.objects.bulk_create(registrations, batch_size=2000)
        self.step(
            f"Veranstaltungen mit {german_number(len(registrations))} Anmeldungen", len(events)
        )
        return events

    def post_comments(self, posts: list, members: list, total: int) -> None:
        """The rest of the searchable documents: a discussion of some twenty under each post."""
        each, rest = divmod(total, len(posts))
        written = 0
        for n, post in enumerate(posts):
            count = each + (1 if n < rest else 0)
            if count:
                written += self.comments(
                    post, members, count, stances=False, start=post.published_at
                )
        self.step("Kommentare zu Beiträgen", written)

    def subscribers(self) -> None:
        from newsletters.models import Subscriber

        rng = self.rng
        states = ["confirmed"] * 85 + ["pending"] * 5 + ["unsubscribed"] * 8 + ["inactive"] * 2
        rows = []
        for n in range(self.counts.subscribers):
            status = rng.choice(states)
            signed_up = self.now - timedelta(days=rng.randint(1, 1500))
            rows.append(
                Subscriber(
                    email=f"abo{n:05d}@{DOMAIN}",
                    status=status,
                    signed_up_at=signed_up,
                    confirmed_at=signed_up + timedelta(hours=2) if status != "pending" else None,
                    unsubscribed_at=self.now if status == "unsubscribed" else None,
                    consent_version="2024-01",
                    consent_text="Ich möchte den Newsletter von Kommune 360° erhalten.",
                    signup_source="/newsletter/",
                )
            )
        created = Subscriber.objects.bulk_create(rows, batch_size=2000)
        self.step("Newsletter-Abonnent:innen", len(created))

    def index(self) -> int:
        from k360 import search
        from k360.models import SearchDocument

        total = search.reindex()
        self.step("Suchdokumente", total)
        return SearchDocument.objects.count()


def seed(counts: Counts, report: Callable[[str], None] = lambda line: None) -> dict[str, int]:
    """Build the scale network in the (empty) database; returns what was written."""
    seeder = _Seeder(counts, report)
    with transaction.atomic():
        municipalities = seeder.municipalities()
        members = seeder.members(municipalities)
        theses = seeder.theses(members)
        posts = seeder.posts(members)
        events = seeder.events(members)
        seeder.subscribers()
        # Every thesis, statement, post and public event is a document; comments on the posts
        # make up the rest of the documents the search has to go through.
        own = (
            len(theses)
            + 2 * len(theses)
            + counts.comments_per_thesis * len(theses)
            + len(posts)
            + len(events)
        )
        seeder.post_comments(posts, members, max(0, counts.documents - own))
        documents = seeder.index()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # the planner needs the new tables' statistics at once
    return {
        "municipalities": len(municipalities),
        "members": len(members),
        "theses": len(theses),
        "posts": len(posts),
        "events": len(events),
        "documents": documents,
        "subscribers": counts.subscribers,
        "seconds": round(time.perf_counter() - seeder.started, 1),
    }
