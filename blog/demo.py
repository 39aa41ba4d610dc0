"""Demo posts for Aktuelles, written for this demo on the basis of the initiative's public texts.

Facts (dates, organisations, kinds of events) follow the source documents; the wording is our
own and every person quoted or named here is fictional.
"""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db.models import Q

from forums.models import Comment
from forums.services import comment_insert
from network.models import User

from .models import Category, Post, PostAttachment

BERLIN = ZoneInfo("Europe/Berlin")
REDAKTION = "redaktion@example.org"
TEAM = "Redaktion Kommune 360°"


def _at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=BERLIN)


# slug: (title, category, published_at, author emails, byline, tags, lead, body)
POSTS: dict[str, tuple[str, str, datetime, list[str], str, list[str], str, str]] = {
    "zweites-treffen-expertinnen-team": (
        "Zweites Treffen des Expert:innen-Teams: Wie Verwaltung und Politik zueinanderfinden",
        Category.AKTUELLES,
        _at(2020, 12, 15),
        [REDAKTION],
        "",
        ["Politik und Verwaltung", "Jugendhilfeplanung", "Expert:innen-Team"],
        "Planung denkt in Jahren, Politik in Wahlperioden: Beim zweiten Werkstattgespräch hat "
        "das zwölfköpfige Expert:innen-Team gesammelt, woran die Zusammenarbeit hakt – und was "
        "hilft.",
        "Wer mit Jugendhilfeplaner:innen spricht, hört oft, die Politik interessiere sich nur "
        "für schnelle Erfolge. Wer Ratsmitglieder fragt, hört, die Berichte der Verwaltung "
        "seien zu lang und zu unkonkret. Beide Beobachtungen beschreiben denselben Graben – "
        "und um ihn ging es beim zweiten Treffen des Expert:innen-Teams, in dem Menschen aus "
        "Verwaltung, Politik, Beratung und Wissenschaft mitarbeiten.\n\n"
        "**Wer ist eigentlich „die Politik“?**\n\n"
        "Eine erste Einsicht: Die Politik gibt es nicht. Fraktionen, Ausschüsse und einzelne "
        "Ratsmitglieder brauchen jeweils eine eigene Ansprache. Hilfreich sei, die Perspektive "
        "der anderen Seite bewusst einzunehmen. Statt eines Berichts mit mehreren hundert "
        "Seiten könne es mehr bringen, sich jedes Jahr auf ein oder zwei gut begründete "
        "Entscheidungen zu konzentrieren – und deren Wirkung sichtbar zu machen: Wird der neue "
        "Spielplatz genutzt? Was verändert sich im Quartier?\n\n"
        "Die Verwaltung, so das Team, muss Komplexität in verdauliche Portionen teilen und ein "
        "Gespür für den richtigen Zeitpunkt entwickeln: Vorschläge wirken dann, wenn ein Thema "
        "ohnehin auf der Tagesordnung steht.\n\n"
        "**Praxistipps aus dem Werkstattgespräch**\n\n"
        "- Einen gemeinsamen Blick auf die Lage erarbeiten – er trägt gemeinsames Handeln.\n"
        "- Politische Gremien früh ins Boot holen, nicht erst zur Abstimmung.\n"
        "- Gemeinsame Ziele formulieren, an denen sich beide Seiten orientieren.\n"
        "- Zeigen, welchen Mehrwert abgestimmte Maßnahmen bringen.\n"
        "- Entscheidungsvorlagen kurz und klar halten.\n"
        "- Anlässe schaffen, bei denen politische Akteur:innen sichtbar werden können.\n"
        "- Deutlich machen, dass Planung Steuerung unterstützt – die Amtsleitung ist dabei das "
        "wichtigste Bindeglied.\n"
        "- Planer:innen mit passenden Methoden ausstatten.\n"
        "- Einen Planungsbeirat der Engagierten einbinden.\n"
        "- Eltern, Jugendliche und Lehrkräfte als Nutzer:innen beteiligen.\n"
        "- Auf Kritik mit Lösungsideen aus einer anderen Perspektive antworten.\n\n"
        "Als weitere Ideen kamen kollegiale Besuche zwischen Kommunen, Planspiele und "
        "gemeinsame Fortbildungen auf den Tisch.",
    ),
    "zwei-projekte-weltoffene-kommune-und-kommune-360": (
        "Zwei Projekte, ein Anliegen: Weltoffene Kommune und Kommune 360°",
        Category.AKTUELLES,
        _at(2021, 3, 10),
        [],
        TEAM,
        ["Netzwerk", "Selbstcheck", "Integrierte Planung"],
        "Kommunen können viel bewegen – wenn sie über Ressortgrenzen hinweg planen. Zwei "
        "Projekte der PHINEO gAG setzen genau dort an.",
        "Seit 2019 beschäftigt sich PHINEO mit der Frage, wie Kommunen, Politik und "
        "gemeinnützige Organisationen besser zusammenarbeiten können. Daraus sind zwei "
        "Projekte entstanden, die sich ergänzen.\n\n"
        "**Weltoffene Kommune**\n\n"
        "Das Projekt begleitet bis zu 40 Modellkommunen in ihrer Integrations- und "
        "Diversitätsarbeit. Es ruht auf drei Säulen: einem *Selbstcheck*, mit dem eine "
        "Kommune ihren Stand einschätzt, Dialogveranstaltungen vor Ort und Angeboten über "
        "Kommunengrenzen hinweg. Initiiert wurde es gemeinsam mit der Bertelsmann Stiftung. "
        "Eine Erfahrung aus den Workshops: Kommunen wünschen sich ausdrücklich kritische "
        "Rückmeldungen – sie helfen, Handlungsbedarf in der eigenen Verwaltung deutlich zu "
        "machen.\n\n"
        "**Kommune 360°**\n\n"
        "Mehr als 150 familienpolitische Leistungen gibt es in Deutschland, und trotzdem "
        "erreichen sie viele Familien in schwierigen Lagen nicht. Kommune 360° fragt, wie "
        "Kommunen das ändern können. Die Initiative von Auridis Stiftung, Deutscher Kinder- und "
        "Jugendstiftung und PHINEO begleitet zwölf Partnerkommunen eng, vernetzt Kommunen in "
        "Barcamps und Foren und wirbt öffentlich für integrierte Planung.\n\n"
        "Was beide Projekte verbindet: Schritte, die groß genug sind, um motiviert zu bleiben, "
        "und klein genug, um nicht an Mauern zu scheitern.",
    ),
    "herbstforum-vertrauen-ist-der-schluessel": (
        "Herbstforum: Vertrauen als Schlüssel integrierter Planung",
        Category.VERANSTALTUNGSBERICHT,
        _at(2020, 11, 6),
        [REDAKTION],
        "",
        ["Herbstforum", "Jugendhilfeplanung", "Integrierte Planung"],
        "Welche Barrieren stehen integrierter Jugendhilfeplanung im Weg, und wie lassen sie "
        "sich abbauen? Beim Herbstforum arbeiteten die Partnerkommunen an ihren eigenen Fällen "
        "– mit zwei Impulsen aus der Wissenschaft.",
        "Planer:innen, Abteilungs- und Sachgebietsleitungen aus den Partnerkommunen kamen "
        "beim diesjährigen Herbstforum zusammen. Sie nahmen die Lage ihrer eigenen Kommune "
        "unter die Lupe: Wie arbeiten die Ämter heute zusammen? Wo hakt es? Welche Themen "
        "drängen, und was wäre ein machbarer nächster Schritt?\n\n"
        "**Erster Impuls: Ohne Vertrauen keine Kooperation**\n\n"
        "Prof. Dr. Marlene Ostrowski, Sozialwissenschaftlerin, zeichnete nach, wie sich die "
        "Rolle der Jugendhilfeplanung gewandelt hat und in welchen Zwickmühlen Planer:innen "
        "heute stecken. Ihr zentrales Stichwort: Vertrauen. Ohne Vertrauen entstehe weder eine "
        "Kooperation zwischen Ämtern noch die Bereitschaft von Bürger:innen, sich zu "
        "beteiligen. Ihre Tipps: klein anfangen, Verbündete suchen, andere nach ihrer Sicht "
        "fragen – und beharrlich bleiben.\n\n"
        "**Zweiter Impuls: Integriert denken – aber wer?**\n\n"
        "Dr. Felix Haberland, der Kommunen in Netzwerkarbeit und Sozialplanung berät, blickte "
        "systemtheoretisch auf die Verwaltung. Wenn Organisationen darauf angewiesen sind, "
        "Komplexität zu reduzieren, müsse vielleicht nicht jede und jeder integriert denken. "
        "Oft reiche es, wenn einzelne Personen diese Rolle ausdrücklich übernehmen.\n\n"
        "In Gesprächsrunden mit beiden Gästen wurden die Impulse an den Erfahrungen der "
        "Partnerkommunen gespiegelt. Viele nahmen konkrete Ideen mit nach Hause.",
    ),
    "unterstuetzung-fuer-kommunalpolitik-mitdenkerinnen-gesucht": (
        "Was Kommunalpolitik braucht: Mitdenker:innen gesucht",
        Category.POSITIONSPAPIER,
        _at(2021, 5, 20),
        [REDAKTION],
        "",
        ["Politik und Verwaltung", "Weiterbildung", "Beteiligung"],
        "Unsere Analyse der Unterstützungsangebote zeigt: Für Kommunalpolitiker:innen gibt es "
        "kaum fachlich-strategische Fortbildung. Wir möchten das ändern – mit Ihnen.",
        "Integrierte Planung für Kinder und Familien verändert nicht nur die Arbeit in den "
        "Ämtern. Auch Räte und Ausschüsse stehen vor Aufgaben, die strategisches Denken "
        "verlangen. Als wir die Unterstützungsangebote für kommunale Akteur:innen gesichtet "
        "haben, fiel auf: Für die Politik drehen sich die meisten Angebote um Rhetorik oder "
        "Haushaltsrecht, nur selten um fachliche Strategie.\n\n"
        "**Was denkbar wäre**\n\n"
        "- Fachlich-strategische Fortbildungen für ganze Gremien, etwa den "
        "Jugendhilfeausschuss – ein Landesjugendamt im Rheinland zeigt schon, wie das geht.\n"
        "- Neue Formate, die Politik und Verwaltung gemeinsam ansprechen.\n"
        "- Gemeinsame Veranstaltungen, die ehrenamtliche Politiker:innen fachlich einbinden.\n\n"
        "Dahinter steht ein Gedanke: Kommune ist mehr als die Stadtverwaltung. Sie besteht aus "
        "allen, die sich gemeinsam für ein Thema verantwortlich fühlen.\n\n"
        "**Mitdenker:innen gesucht**\n\n"
        "Sie arbeiten in einer Kommune, bieten Fortbildungen an oder sehen die Dinge ganz "
        "anders? Sagen Sie uns, wo wir richtig liegen, was wir übersehen haben und wen wir "
        "noch einbeziehen sollten. Wir freuen uns über Kommentare, Widerspruch und Angebote "
        "zur Zusammenarbeit – gleich hier unter dem Beitrag.",
    ),
    "interview-planung-braucht-verbuendete": (
        "„Planung braucht Verbündete“ – ein Gespräch mit Jugendhilfeplanerin Katrin Albrecht",
        Category.INTERVIEW,
        _at(2021, 6, 15),
        [],
        TEAM,
        ["Jugendhilfeplanung", "Integrierte Planung", "Beteiligung"],
        "Katrin Albrecht plant seit zwölf Jahren die Jugendhilfe eines Landkreises. Wir haben "
        "sie gefragt, was sich durch die Arbeit im Netzwerk verändert hat.",
        "**Frau Albrecht, was hat Sie zu Kommune 360° gebracht?**\n\n"
        "Die Erfahrung, dass gute Berichte allein nichts bewegen. Wir hatten Zahlen zu "
        "Kinderarmut, zu Schulabbrüchen, zu Wartezeiten in der Beratung – aber kaum jemand "
        "hat sie gelesen. Ich wollte wissen, wie andere Kommunen das schaffen.\n\n"
        "**Und, wie schaffen sie es?**\n\n"
        "Mit Verbündeten. In unserem Kreis sitzen inzwischen Schulamt, Gesundheitsamt und "
        "Jobcenter zweimal im Jahr an einem Tisch. Das klingt banal, hat aber zwei Jahre "
        "gedauert.\n\n"
        "**Was war der wichtigste Schritt?**\n\n"
        "Klein anzufangen. Wir haben uns auf einen Stadtteil konzentriert und dort gezeigt, "
        "was abgestimmte Angebote bewirken. Das hat auch den Kreistag überzeugt.\n\n"
        "**Ihr Rat an Kolleg:innen?**\n\n"
        "Fragen Sie die anderen Ämter nach ihrer Sicht, bevor Sie Ihre eigene erklären. Und "
        "beteiligen Sie Familien früh – sie wissen am besten, was fehlt.\n\n"
        "*Katrin Albrecht ist eine fiktive Person; das Interview ist ein Beispiel für diese "
        "Demo.*",
    ),
    "positionspapier-planungskapazitaet-staerken": (
        "Positionspapier: Fünf Vorschläge für mehr Planungskapazität",
        Category.POSITIONSPAPIER,
        _at(2021, 9, 1),
        [REDAKTION],
        TEAM,
        ["Integrierte Planung", "Netzwerk", "Politik und Verwaltung"],
        "Mit mehr Planungs- und Koordinationskapazität verbessern sich die Chancen von "
        "Kindern. Die Initiative fasst zusammen, was Kommunen dafür brauchen.",
        "Aus zwei Jahren Arbeit mit den Partnerkommunen, dem Expert:innen-Team und vielen "
        "Diskussionen im Netzwerk leiten wir fünf Vorschläge ab:\n\n"
        "1. **Planung als Querschnittsaufgabe verankern** – mit einem klaren Auftrag der "
        "Verwaltungsspitze.\n"
        "2. **Stellen für Koordination schaffen** – integrierte Planung gelingt nicht nebenbei.\n"
        "3. **Daten teilen** – Sozial-, Bildungs- und Gesundheitsdaten gemeinsam auswerten.\n"
        "4. **Politik fachlich stärken** – mit Fortbildungen für Ausschüsse und Räte.\n"
        "5. **Familien beteiligen** – auf Augenhöhe und von Anfang an.\n\n"
        "Wir laden alle Mitglieder ein, die Vorschläge zu kommentieren und zu ergänzen.",
    ),
}

DRAFT = (
    "rueckblick-barcamp-entwurf",
    "Rückblick auf das Barcamp (Entwurf)",
    "Notizen für den Bericht vom ersten Barcamp der Partnerkommunen.",
    "Dieser Text ist noch in Arbeit und nur für die Redaktion sichtbar.",
)

# slug: [(author email, Markdown text, replies as (author email, text))]
COMMENTS: dict[str, list[tuple[str, str, list[tuple[str, str]]]]] = {
    "zweites-treffen-expertinnen-team": [
        (
            "mitglied@example.org",
            "Der Tipp mit den **kurzen Vorlagen** deckt sich mit unserer Erfahrung: Seit wir "
            "dem Ausschuss eine Seite statt zwanzig schicken, wird tatsächlich diskutiert.",
            [
                (
                    "aylin.demir@example.org",
                    "Aus Sicht des Rats: genau so. Eine klare Frage, zwei Optionen, eine "
                    "Empfehlung – dann können wir entscheiden.",
                )
            ],
        ),
        (
            "kemal.arslan@example.org",
            "Spannend finde ich den Planungsbeirat. Gibt es Kommunen im Netzwerk, die so etwas "
            "schon haben?",
            [],
        ),
    ],
    "unterstuetzung-fuer-kommunalpolitik-mitdenkerinnen-gesucht": [
        (
            "friedrich.lange@example.org",
            "Als ehrenamtlicher Kreistagsabgeordneter kann ich das bestätigen: Fortbildungen "
            "zur Jugendhilfeplanung habe ich noch nie angeboten bekommen.",
            [
                (
                    "lena.hartwig@example.org",
                    "Wir planen im Frühjahr einen gemeinsamen Abend für Verwaltung und "
                    "Jugendhilfeausschuss – ich berichte gern, wie es lief.",
                )
            ],
        ),
    ],
}


def minimal_pdf(lines: list[str]) -> bytes:
    """A valid one-page PDF showing a few lines of Latin-1 text (Helvetica), no library needed."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = ["BT", "/F1 14 Tf", "72 770 Td", "18 TL"]
    text += [f"({escape(line)}) '" for line in lines]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def seed(stdout=None) -> None:
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}
    posts: dict[str, Post] = {}
    for slug, (title, category, at, emails, byline, tags, lead, body) in POSTS.items():
        post, _created = Post.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "category": category,
                "published_at": at,
                "byline": byline,
                "lead": lead,
                "body": body,
                "status": Post.Status.PUBLISHED,
            },
        )
        post.authors.add(*(users[email] for email in emails if email in users))
        post.tags.add(*tags)
        posts[slug] = post

    slug, title, lead, body = DRAFT
    Post.objects.get_or_create(
        slug=slug,
        defaults={"title": title, "lead": lead, "body": body, "status": Post.Status.DRAFT},
    )

    paper = posts["unterstuetzung-fuer-kommunalpolitik-mitdenkerinnen-gesucht"]
    if not paper.attachments.exists():
        attachment = PostAttachment(
            post=paper, title="Impulspapier: Unterstützung für Kommunalpolitik"
        )
        pdf = minimal_pdf(
            [
                "Kommune 360 Grad - Impulspapier (Demo)",
                "Unterstuetzungsangebote fuer kommunale Politik:",
                "fachlich-strategische Fortbildung fuer Gremien.",
            ]
        )
        attachment.file.save("impulspapier-kommunalpolitik.pdf", ContentFile(pdf), save=False)
        attachment.save()

    for slug, threads in COMMENTS.items():
        post = posts[slug]
        if Comment.objects.for_target(post).exists():
            continue
        for email, text, replies in threads:
            root = comment_insert(target=post, author=users.get(email), source=text)
            for reply_email, reply_text in replies:
                comment_insert(
                    target=post, author=users.get(reply_email), source=reply_text, parent=root
                )

    if stdout is not None:
        public = Post.objects.published().count()
        hidden = Post.objects.filter(~Q(pk__in=Post.objects.published().values("pk"))).count()
        stdout.write(f"Aktuelles: {public} Beiträge veröffentlicht, {hidden} nicht öffentlich")
