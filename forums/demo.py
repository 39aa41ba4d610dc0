"""Demo content of the discussions: the four theses, expert statements, a lively debate, forums.

The thesis titles are the initiative's published ones; leads, bodies, statements and comments
are written for this demo. Every person here is fictional; authors are the network's demo members.
"""

from datetime import datetime, timedelta

from django.utils import timezone

from network.models import User

from .models import Comment, Forum, Stance, Statement, Thesis, Topic
from .services import comment_insert, subscription_set

# A comment and its replies: (author's email, stance, Markdown text, replies).
Node = tuple[str, str, str, list["Node"]]

Z, E, G = Stance.ZUSTIMMUNG.value, Stance.ERGAENZUNG.value, Stance.GEGENREDE.value

ALBERS = "mitglied@example.org"  # Verwaltung
REINHOLT = "orga@example.org"  # Zivilgesellschaft
YILMAZ = "redaktion@example.org"  # Zivilgesellschaft
HARTWIG = "lena.hartwig@example.org"  # Verwaltung
PETERSEN = "jonas.petersen@example.org"  # Verwaltung
DEMIR = "aylin.demir@example.org"  # Politik
LANGE = "friedrich.lange@example.org"  # Politik
BRANDT = "sophie.brandt@example.org"  # Wissenschaft
ARSLAN = "kemal.arslan@example.org"  # Wissenschaft
SOMMER = "greta.sommer@example.org"  # Zivilgesellschaft
NIEMANN = "paul.niemann@example.org"  # Zivilgesellschaft
WINTER = "nora.winter@example.org"  # Verwaltung
HOFFMANN = "till.hoffmann@example.org"  # Verwaltung
KAYA = "elif.kaya@example.org"  # Politik

# number: (title, slug, lead, body, weeks open so far, days until it closes, summary)
THESES: dict[int, tuple[str, str, str, str, int, int, str]] = {
    1: (
        "Kommunales Handeln entscheidet die Zukunftschancen junger Menschen",
        "kommunales-handeln-entscheidet-zukunftschancen",
        "Ob Kinder und Jugendliche gute Chancen haben, zeigt sich vor Ort: in der Kita um die "
        "Ecke, im Jugendzentrum, auf dem Schulweg. Deshalb kommt es auf die Kommunen an.",
        "Kommunen gestalten den Alltag von Familien ganz konkret – mit Betreuungsplätzen, "
        "Beratung, Treffpunkten und Wegen. Hier werden gesellschaftliche Entwicklungen als "
        "handfeste Probleme sichtbar, und hier müssen passende Antworten entstehen.\n\n"
        "Wie gut das gelingt, hängt vom **Mut zur Gestaltung**, von der Innovationskraft und von "
        "den Strategien der kommunalen Verwaltung ab. Den Rahmen setzen Bund und Länder; was "
        "daraus wird, entscheidet sich vor Ort.\n\n"
        "Stimmen Sie zu, fehlt etwas? Wir freuen uns auf Zustimmung, Ergänzung und Gegenrede.",
        7,
        90,
        "",
    ),
    2: (
        "Integrierte Planung ist der Weg – Jugendhilfeplanung ein vielversprechender Zugang",
        "integrierte-planung-ist-der-weg",
        "Wenn Ressorts ihre Planung aufeinander abstimmen, wird kommunales Handeln wirksamer. "
        "Die Jugendhilfeplanung bringt dafür gute Voraussetzungen mit.",
        "Integrierte Planung und Koordination verbinden, was in der Verwaltung oft getrennt "
        "läuft. Das verringert Reibungsverluste und eröffnet Spielräume für neue, flexible "
        "Lösungen – ein Zugewinn an Gestaltungskraft.\n\n"
        "Gerade die Jugendhilfe profitiert davon, Kinder und Familien als Ganzes in den Blick zu "
        "nehmen. Die Jugendhilfeplanung ist mit ihrer Tradition der Beteiligung ein naheliegender "
        "Ausgangspunkt – doch viele Kommunen nutzen diese Chance bislang *nur zum Teil*.",
        6,
        100,
        "",
    ),
    3: (
        "Das Potenzial integrierter Planung ist durch System-Barrieren eingeschränkt",
        "potenzial-durch-system-barrieren-eingeschraenkt",
        "Wer integriert plant, bringt Ressorts und Akteur*innen mit ganz unterschiedlichen "
        "Logiken zusammen – und stößt dabei zwangsläufig an Grenzen.",
        "Jedes Ressort, jeder Träger und jede Zielgruppe folgt eigenen Regeln, Zeittakten und "
        "Erfolgsmaßstäben. Wo diese Teilsysteme aufeinandertreffen, entstehen Barrieren: "
        "Zuständigkeiten, getrennte Budgets, unterschiedliche Fachsprachen.\n\n"
        "Diese Hürden lassen sich nicht einfach wegorganisieren. Wer das Potenzial integrierter "
        "Planung nutzen will, muss sie **verstehen** und lernen, klug mit ihnen umzugehen.",
        5,
        110,
        "",
    ),
    4: (
        "Integrierte Planung braucht umfassenden Wandel – und Kommunen Unterstützung auf dem "
        "Weg dorthin",
        "integrierte-planung-braucht-wandel",
        "Neue Instrumente allein reichen nicht. Integrierte Planung braucht eine veränderte "
        "Haltung und Kultur – und Kommunen, die diesen Weg gehen, brauchen Begleitung.",
        "Ein neues Gremium oder eine neue Software ändern wenig, wenn die Zusammenarbeit im "
        "Alltag die alte bleibt. Ob integrierte Planung trägt, entscheidet sich an Fragen von "
        "**Haltung, Führung und Kultur**.\n\n"
        "Dafür braucht es Veränderungsprozesse, die die ganze Organisation einbeziehen. "
        "Kommune 360° möchte Kommunen dabei mit neuen Ansätzen und Angeboten unterstützen – und "
        "diese gemeinsam mit ihnen entwickeln.",
        10,
        -4,
        "Einig war sich die Diskussion darin, dass **neue Instrumente allein nichts ändern**: "
        "Entscheidend sind Führungskräfte, die ressortübergreifendes Arbeiten vorleben, und eine "
        "Politik, die es einfordert. Umstritten blieb das Wort „umfassend“ – mehrere Stimmen aus "
        "der Verwaltung plädierten für geschützte Experimentierräume statt einer großen "
        "Umorganisation. Weiterbildung und ausreichend Personal wurden als Voraussetzungen "
        "genannt, ohne die Wandel bei ohnehin belasteten Fachkräften hängen bleibt. Von "
        "Kommune 360° wünschen sich die Teilnehmenden kollegiale Visitationen, gemeinsame "
        "Planspiele für Verwaltung und Politik und eine Sammlung gelungener Beispiele.",
    ),
}

# number: [(name, role, text)], shown in this order.
STATEMENTS: dict[int, list[tuple[str, str, str]]] = {
    1: [
        (
            "Dr. Hartmut Kessler",
            "Berater für kommunale Präventionsketten",
            "Ich stimme der These nur zur Hälfte zu. Die großen Umbrüche unserer Zeit – "
            "Digitalisierung, Klimawandel, ein sich wandelnder Arbeitsmarkt – entstehen weit "
            "außerhalb des Rathauses und sprengen kommunale Zuständigkeiten. Versteht man Kommune "
            "aber als Gemeinwesen, ist sie der Ort, an dem diese Entwicklungen als konkrete "
            "Probleme auftauchen. Und sie hat Einrichtungen, mit denen sich die Folgen zwar nicht "
            "beseitigen, aber gut bearbeiten lassen.",
        ),
        (
            "Katrin Seidel",
            "Organisationsberaterin und Coach",
            "Mir gefällt, dass die These nach dem *Warum* fragt. Diese Frage verbindet: Wenn "
            "Ressorts merken, dass sie nicht Schnittstellen gegeneinander optimieren, sondern "
            "gemeinsam auf gelingendes Aufwachsen schauen, verändert sich die Zusammenarbeit "
            "spürbar. Plötzlich tauchen Verbündete auf, mit denen niemand gerechnet hat. Das "
            "Warum ist oft der stärkste Motor für Kooperation.",
        ),
    ],
    2: [
        (
            "Anja Brückner",
            "Systemische Organisationsberaterin",
            "Bedarfe und Ziele in einer Stadt verändern sich laufend – ein Plan, der zehn Jahre "
            "gelten soll, hält damit nicht Schritt. Wichtiger ist eine gemeinsame kommunale "
            "Vision, an der sich alle Ressorts ausrichten, und Maßnahmen, die regelmäßig "
            "nachjustiert werden. Verwaltung muss dafür beweglicher werden. Die "
            "Jugendhilfeplanung kann mit ihrer Erfahrung in Beteiligung und Dialog Vorreiterin "
            "sein.",
        ),
        (
            "Sabine Ehlers",
            "Sozialplanerin in einer Großstadt",
            "Im Kleinen klappt integriertes Arbeiten oft schon, etwa wenn ein neues Wohnquartier "
            "entsteht. Damit es auch im Großen trägt, müssen die Planer*innen der verschiedenen "
            "Bereiche regelmäßig zusammenarbeiten, am besten gebündelt an einer Stelle. Das setzt "
            "voraus, dass Planung personell gut ausgestattet ist. Und wir sollten präventiver und "
            "in kürzeren Zyklen planen.",
        ),
    ],
    3: [
        (
            "Martin Auer",
            "Systemischer Organisationsberater",
            "Ich teile die These, fürchte aber, dass Verstehen allein nicht reicht. Verwaltung ist "
            "nach Stellen und Ressorts gebaut, die festlegen, was jemand tun darf – und vor "
            "allem, was nicht. Dieses Gerüst steht kooperativem Arbeiten strukturell im Weg. Mit "
            "den Menschen hat das wenig zu tun: Die meisten Fachkräfte, die ich kenne, sind "
            "kompetent und engagiert.",
        ),
        (
            "Dr. Carsten Weiland",
            "Dezernent für Stadtentwicklung",
            "Arbeitskreise und Jour fixes gibt es genug – noch mehr Schnittstellen lösen das "
            "Problem nicht. Wir versuchen gerade, einen neuen Modus der Zusammenarbeit zu "
            "vereinbaren: Kolleg*innen kommen nicht als Vertretung ihres Fachbereichs zusammen, "
            "sondern um gemeinsam eine Aufgabe zu lösen. Dazu gehört, Kritik zu üben und Ideen "
            "einzubringen, die über das eigene Ressort hinausgehen.",
        ),
    ],
    4: [
        (
            "Prof. Dr. Jens Oltmanns",
            "Professor für Sozialplanung",
            "Ressorts sind historisch gewachsen und stehen für Verlässlichkeit – daran ist vieles "
            "richtig. Viele heutige Aufgaben lassen sich aber nur ressortübergreifend lösen. Das "
            "verlangt Führung und eine politische Strategie, die stark genug ist, Grenzen zu "
            "überwinden. Das ist unbequem, berührt aber nichts weniger als die Frage, wie wir "
            "unsere lokale Demokratie organisieren.",
        ),
        (
            "Ute Falkenberg",
            "Dezernentin für Jugend und Soziales",
            "Wir müssen die Verwaltung nicht neu erfinden. Wir brauchen Räume, in denen anders "
            "gearbeitet werden darf, und Menschen, die dafür das Handwerkszeug haben – etwa "
            "agile Methoden. Viele Nachwuchskräfte bringen das schon mit. Mein Wunsch an alle "
            "Kommunen: deutlich mehr in die Weiterbildung der Beschäftigten investieren.",
        ),
    ],
}

# thesis number: discussion threads. Replies carry no stance; a reply to a comment on the
# fourth level (depth 3) is placed beside it and names whom it answers.
# fmt: off
# (Kept as hand-written nested tuples: the formatter would put every field on its own line.)
DISCUSSIONS: dict[int, list[Node]] = {
    1: [
        (ALBERS, Z, "Aus der Jugendhilfeplanung kann ich das nur unterstreichen: Ob es im "
         "Stadtteil eine Kita mit Familienzentrum gibt, entscheidet sich im Jugendhilfeausschuss. "
         "*Was wir vor Ort planen, spüren Familien unmittelbar.*", [
            (LANGE, "", "Und im Kreistag entscheiden wir dann, ob es finanziert wird. Die "
             "Zukunftschancen hängen leider auch am Haushaltsvorbehalt.", [
                (ALBERS, "", "Genau deshalb wünsche ich mir, dass Politik früher in die Planung "
                 "kommt – nicht erst, wenn die fertige Vorlage auf dem Tisch liegt.", [
                    (DEMIR, "", "Zustimmung aus der Stadtverordnetenversammlung: Eine Vorlage mit "
                     "zwei klaren Optionen hilft uns mehr als ein Bericht mit 400 Seiten.", [
                        (LANGE, "", "Zwei Optionen, gern – aber bitte jeweils mit dem, was es "
                         "kostet, wenn wir *nichts* tun.", []),
                    ]),
                ]),
            ]),
        ]),
        (BRANDT, G, "Ich halte die These für zu kommunal gedacht. Digitalisierung, Klimakrise, "
         "Arbeitsmarkt: Die großen Treiber liegen außerhalb der Stadtgrenzen. Kommunen können "
         "Folgen abfedern, aber sie *entscheiden* die Zukunftschancen nicht allein. Wer das "
         "behauptet, überfordert die Kommunen – und entlastet Bund und Länder.", [
            (HARTWIG, "", "Das stimmt, aber die Folgen landen eben bei uns: in der "
             "Schulsozialarbeit, in der Schuldnerberatung, im Jugendamt. Hier bekommen die "
             "Probleme ein Gesicht.", [
                (BRANDT, "", "Einverstanden – deshalb würde ich formulieren: Kommunales Handeln "
                 "*entscheidet mit*. Weniger griffig, aber ehrlicher.", []),
            ]),
            (ARSLAN, "", "Aus der Forschung zu Präventionsketten: Kommunen mit ähnlicher "
             "Sozialstruktur unterscheiden sich in ihren Ergebnissen beachtlich. Lokale "
             "Steuerung macht also einen messbaren Unterschied.", []),
        ]),
        (SOMMER, E, "Ergänzung aus Sicht eines Familienzentrums: Kommune ist mehr als "
         "Verwaltung. Dazu gehören freie Träger, Vereine, Kirchengemeinden und Nachbarschaften. "
         "Wenn die These nur das Rathaus meint, greift sie zu kurz.", [
            (NIEMANN, "", "Im Quartier sehen wir das jeden Tag. Die besten Ideen für den "
             "neuen Spielplatz kamen von den Jugendlichen selbst – die Verwaltung hat sie "
             "(endlich) ernst genommen.", [
                (YILMAZ, "", "Danke für das Beispiel! Wir sammeln solche Geschichten gerade für "
                 "den Newsletter – melden Sie sich gern bei der Redaktion.", []),
            ]),
        ]),
        (KAYA, Z, "Als Ortsbeirätin erlebe ich, wie viel ein gut gemachter Kinder- und "
         "Jugendbericht bewegt. Drei Dinge haben bei uns geholfen:\n\n"
         "- Kinder direkt fragen, nicht nur über sie reden\n"
         "- Daten kleinräumig auswerten\n"
         "- Ergebnisse im Ortsbeirat vorstellen, bevor sie im Ausschuss landen", [
            (WINTER, "", "Punkt zwei unterschreibe ich sofort. Seit wir nach Planungsräumen "
             "auswerten, reden wir über konkrete Straßenzüge statt über Durchschnittswerte.", []),
        ]),
        (HOFFMANN, E, "Mir fehlt das *Warum*. Wenn alle Ressorts verstehen, dass sie auf "
         "dasselbe Ziel schauen – gutes Aufwachsen –, entstehen Partnerschaften, mit denen "
         "vorher niemand gerechnet hat. Das ist für mich der eigentliche Hebel.", []),
    ],
    2: [
        (PETERSEN, Z, "Die Jugendhilfeplanung bringt mit, was integrierte Planung braucht: "
         "Sie ist zur Beteiligung verpflichtet und kennt die freien Träger. Bei uns ist sie "
         "deshalb die natürliche Moderatorin, wenn Schule, Gesundheit und Stadtplanung an einen "
         "Tisch sollen.", [
            (LANGE, "", "Moderatorin ja – aber hat sie auch das Mandat? Ohne Rückendeckung der "
             "Verwaltungsspitze bleibt es beim freundlichen Austausch.", [
                (PETERSEN, "", "Berechtigter Punkt. Erst ein Beschluss des "
                 "Jugendhilfeausschusses hat unsere ressortübergreifende Arbeitsgruppe "
                 "möglich gemacht.", [
                    (HARTWIG, "", "So war es bei uns auch. Der Beschluss war kurz, aber er hat "
                     "Türen geöffnet, die vorher verschlossen waren.", []),
                ]),
            ]),
        ]),
        (ARSLAN, G, "Gegenrede zu „der Weg“: Integrierte Planung ist *ein* Weg, kein "
         "Allheilmittel. Sie kostet Zeit und Koordination, und für manche Fragen ist eine gute "
         "Fachplanung schneller und genauso wirksam. Wir sollten genauer sagen, *wofür* sich "
         "Integration lohnt.", [
            (BRANDT, "", "Dort, wo Probleme quer zu den Zuständigkeiten liegen: beim Übergang "
             "von der Kita in die Schule etwa, oder bei Kinderarmut.", [
                (ARSLAN, "", "Einverstanden. Vielleicht hilft eine Prüffrage: Welche Ressorts "
                 "müssen wirklich dabei sein, damit sich etwas ändert?", []),
            ]),
            (WINTER, "", "Aus der Bildungskoordination: Der Aufwand ist real, aber er sinkt. "
             "Die erste gemeinsame Sitzung war zäh, die fünfte war Routine.", []),
        ]),
        (ALBERS, E, "Zum Planungshorizont: Zehn-Jahres-Prognosen helfen uns kaum noch. Wir "
         "arbeiten inzwischen mit einer gemeinsamen Vision und überprüfen die Maßnahmen jedes "
         "Jahr. Das ist beweglicher – und ehrlicher gegenüber der Politik.", [
            (DEMIR, "", "Das gefällt mir. Eine jährliche Überprüfung passt auch besser zum "
             "politischen Kalender als ein Plan, der erst nach zwei Wahlperioden ausgewertet "
             "wird.", []),
        ]),
        (SOMMER, Z, "> Abgestimmtes Handeln schafft Spielräume für neue Lösungen.\n\n"
         "Genau das erleben wir, seit Jugendamt und Gesundheitsamt die Frühen Hilfen gemeinsam "
         "planen. Familien müssen ihre Geschichte nicht mehr dreimal erzählen.", []),
        (REINHOLT, E, "Wer tiefer einsteigen möchte: Auf [kommune360.de]"
         "(https://www.kommune360.de) gibt es die Dokumentation unserer Werkstattgespräche, "
         "auch zur Frage, wo integrierte Planung organisatorisch angesiedelt sein sollte.", [
            (HOFFMANN, "", "Danke! Eine Stabsstelle hilft aber nur, wenn sie ordentlich "
             "besetzt ist. Eine halbe Stelle „für alles Integrierte“ ist eher ein "
             "Feigenblatt.", []),
        ]),
    ],
    3: [
        (BRANDT, Z, "Im Kern Zustimmung. Verwaltung ist nach Stelle und Ressort organisiert – "
         "das regelt, was man tun darf, und vor allem, was nicht. Die Barrieren sind also keine "
         "Panne, sie sind **eingebaut**. Mit mangelndem Engagement hat das nichts zu tun.", [
            (PETERSEN, "", "Danke für die Deutlichkeit. Meine Kolleg*innen sind hoch motiviert "
             "– und scheitern trotzdem an Zuständigkeiten und Budgettöpfen.", [
                (LANGE, "", "Budgettöpfe sind das Stichwort. Solange jedes Amt sein Budget "
                 "verteidigen muss, zahlt niemand freiwillig in den Topf des anderen ein.", [
                    (ARSLAN, "", "Einige Kommunen erproben gemeinsame Budgets für "
                     "Sozialräume. Die Erfahrungen sind ermutigend, die haushaltsrechtlichen "
                     "Hürden aber hoch.", [
                        (PETERSEN, "", "Gibt es dazu ein Beispiel, das wir uns anschauen "
                         "können? Das würde ich gern in die nächste Amtsleitungsrunde "
                         "mitnehmen.", []),
                    ]),
                ]),
            ]),
        ]),
        (NIEMANN, G, "Wir reden viel über Barrieren *zwischen* Ressorts. Die größere Barriere "
         "ist für mich die zwischen Verwaltung und Bürger*innen: Wenn Familien nicht verstehen, "
         "wer wofür zuständig ist, hilft die beste interne Abstimmung wenig.", [
            (KAYA, "", "Sehe ich auch so. Eine Anlaufstelle im Stadtteil, die weiterverweist, "
             "ist oft mehr wert als der dritte Arbeitskreis.", []),
            (HARTWIG, "", "Beides hängt zusammen: Wer intern nicht kooperiert, schickt Familien "
             "von Tür zu Tür. Die Barriere nach außen spiegelt die Barrieren drinnen.", [
                (NIEMANN, "", "Guter Punkt – dann lassen Sie uns die Lotsenfunktion im Quartier "
                 "gemeinsam denken.", []),
            ]),
        ]),
        (ALBERS, E, "Arbeitskreise und Jour fixes haben wir genug. Was fehlt, ist ein anderer "
         "*Modus*: Kolleg*innen, die nicht als Vertretung ihres Fachbereichs am Tisch sitzen, "
         "sondern um gemeinsam ein Problem zu lösen – und die sich auch zu Fragen jenseits des "
         "eigenen Ressorts äußern dürfen.", [
            (WINTER, "", "Wie habt ihr das geschafft? Bei uns kippt jede Runde nach zehn "
             "Minuten in die Zuständigkeitsklärung.", [
                (ALBERS, "", "Mit einer einfachen Regel: In der ersten halben Stunde ist "
                 "Zuständigkeit kein Thema. Erst das Problem verstehen, dann verteilen.", [
                    (HOFFMANN, "", "Die Regel übernehmen wir – danke fürs Teilen!", []),
                ]),
            ]),
        ]),
        (DEMIR, Z, "Eine Barriere wird oft vergessen: die zwischen Verwaltung und Politik. "
         "Politik denkt in Wahlperioden, Planung in Jahrzehnten, und beide Seiten haben "
         "Vorurteile übereinander, die selten ausgesprochen werden.", [
            (BRANDT, "", "Deshalb ist der Perspektivwechsel so wichtig. Es gibt nicht *die* "
             "Politik – ein Ausschuss braucht eine andere Ansprache als eine Fraktion.", []),
        ]),
    ],
    4: [
        (PETERSEN, Z, "Neue Instrumente allein ändern nichts – das haben wir mit unserer "
         "dritten Software für Sozialraumdaten gelernt. Entscheidend ist, ob Führungskräfte "
         "ressortübergreifendes Arbeiten wollen und vorleben.", [
            (KAYA, "", "Und ob Politik es einfordert. Eine klare politische Strategie gibt der "
             "Verwaltung Rückendeckung, Ressortgrenzen zu überschreiten.", [
                (PETERSEN, "", "Richtig. Am besten beides zugleich – sonst wartet jede Seite "
                 "auf die andere.", []),
            ]),
        ]),
        (HARTWIG, G, "Vorsicht mit dem „umfassenden Wandel“. Verwaltung ist nicht gescheitert; "
         "sie ist die Antwort auf historische Probleme und sorgt für Verlässlichkeit. Ich würde "
         "lieber gezielt Räume schaffen, in denen anders gearbeitet werden darf.", [
            (HOFFMANN, "", "Deckt sich mit unserer Erfahrung: Ein kleines agiles Team, das bei "
             "Bedarf unterstützt, hat mehr bewegt als jede Umorganisation.", []),
            (BRANDT, "", "Zustimmung – wobei auch Experimentierräume Haltung brauchen. Wenn "
             "Fehler dort sanktioniert werden, bleibt der Raum leer.", [
                (HARTWIG, "", "Stimmt. Für unser Pilotteam haben wir deshalb ausdrücklich "
                 "vereinbart, dass Scheitern zum Lernen gehört.", []),
            ]),
        ]),
        (SOMMER, E, "Unterstützung heißt für mich auch Weiterbildung. Junge Fachkräfte bringen "
         "viel Methodenwissen mit, die erfahrenen Kolleg*innen brauchen Zeit und Angebote, um "
         "mitzuziehen. Ohne Investition in Menschen bleibt Wandel ein Schlagwort.", [
            (LANGE, "", "Im Haushalt ist Fortbildung leider der erste Posten, der gestrichen "
             "wird. Da müssen wir im Kreistag umdenken.", []),
        ]),
        (WINTER, E, "Was ich mir von Kommune 360° wünsche:\n\n"
         "1. Kollegiale Visitationen zwischen Partnerkommunen\n"
         "2. Planspiele für Verwaltung und Politik gemeinsam\n"
         "3. Eine Sammlung von Beispielen, die wirklich funktioniert haben", [
            (REINHOLT, "", "Danke für die Liste! Planspiele sind in Vorbereitung, die "
             "Visitationen nehmen wir als Idee ins Expert:innen-Team mit.", []),
        ]),
        (DEMIR, G, "Etwas Gegenrede aus der Politik: Ich lese viel über Haltung und Kultur, "
         "aber wenig über Ressourcen. Wandel ohne zusätzliches Personal landet bei denen, die "
         "ohnehin schon am Limit arbeiten.", []),
    ],
}
# fmt: on

# slug: (name, visibility, order, description, private members)
FORUMS: dict[str, tuple[str, str, int, str, list[str]]] = {
    "herbstforum": (
        "K360-Herbstforum",
        Forum.Visibility.MEMBERS,
        1,
        "Im Herbstforum kommen die Partnerkommunen zusammen: Fachkräfte der Jugendhilfeplanung, "
        "Abteilungs- und Sachgebietsleitungen tauschen sich untereinander und mit Expert*innen "
        "aus. Impulse aus der Wissenschaft geben der Diskussion Tiefe – zuletzt stand das "
        "Vertrauen als Grundlage jeder Kooperation im Mittelpunkt. Hier geht das Gespräch weiter.",
        [],
    ),
    "expertinnen-team": (
        "Expert:innen-Team",
        Forum.Visibility.PRIVATE,
        2,
        "Arbeitsraum des Expert:innen-Teams: Vorbereitung der Werkstattgespräche, Entwürfe und "
        "Absprachen, bevor etwas im Netzwerk erscheint.",
        [ALBERS, BRANDT, ARSLAN, PETERSEN, YILMAZ],
    ),
    "offener-austausch": (
        "Offener Austausch",
        Forum.Visibility.PUBLIC,
        3,
        "Fragen, Hinweise und Fundstücke rund um integrierte Planung für Kinder und Familien – "
        "offen für alle, die mitlesen möchten.",
        [],
    ),
}

# (forum slug, title, author, days ago, opening text, comments)
# fmt: off
TOPICS: list[tuple[str, str, str, int, str, list[Node]]] = [
    ("herbstforum", "Nachlese: Vertrauen als Schlüssel der Sozialplanung", REINHOLT, 18,
     "Durch beide Impulse beim Herbstforum zog sich ein Gedanke: Ohne Vertrauen keine "
     "Kooperation und keine Beteiligung. Welche kleinen Schritte haben bei Ihnen Vertrauen "
     "wachsen lassen – zwischen Ämtern, mit Trägern, mit Bürger*innen?", [
        (HARTWIG, "", "Bei uns: die eigene Perspektive anbieten und nach der anderen fragen. "
         "Klingt selbstverständlich, passiert im Alltag aber viel zu selten.", [
            (PETERSEN, "", "Dazu passen gegenseitige Hospitationen. Einen Tag im "
             "Gesundheitsamt verstehe ich heute besser als jeden Ressortbericht.", []),
        ]),
        (NIEMANN, "", "Klein anfangen und Verbündete suchen. Unser erstes gemeinsames Projekt "
         "war ein Sommerfest – seitdem telefonieren Jugendamt und Quartiersbüro direkt.", []),
        (ARSLAN, "", "Mich hat der Gedanke beschäftigt, dass nicht alle integriert denken "
         "müssen. Vielleicht reichen einzelne Personen, die diesen Blick bewusst "
         "übernehmen.", [
            (ALBERS, "", "Das entlastet – solange diese Rolle offiziell vereinbart ist und "
             "nicht an einer engagierten Einzelperson hängen bleibt.", []),
        ]),
    ]),
    ("herbstforum", "Barrieren zwischen Ressorts – was hat bei Ihnen geholfen?", ALBERS, 12,
     "Im Herbstforum haben wir viele Barrieren gesammelt: getrennte Budgets, unklare "
     "Zuständigkeiten, unterschiedliche Fachsprachen. Mich interessieren jetzt die "
     "Gegenmittel. Was hat bei Ihnen **konkret** funktioniert?", [
        (WINTER, "", "Ein gemeinsamer Datenbericht für Jugend, Bildung und Gesundheit. "
         "Dieselben Zahlen auf dem Tisch ersparen viele Grundsatzdebatten.", [
            (HOFFMANN, "", "Wie oft aktualisiert ihr den? Bei uns scheitert es an der "
             "Pflege.", []),
        ]),
        (DEMIR, "", "Aus politischer Sicht: ein gemeinsamer Termin von Jugendhilfe- und "
         "Schulausschuss im Jahr. Seitdem reden die Ausschüsse miteinander statt "
         "übereinander.", []),
        (SOMMER, "", "Freie Träger früh einbinden. Wir sitzen oft an den Schnittstellen, die "
         "in der Verwaltung noch gesucht werden.", []),
    ]),
    ("expertinnen-team", "Vorbereitung des dritten Werkstattgesprächs", YILMAZ, 6,
     "Im zweiten Werkstattgespräch ging es um Verwaltung und Politik. Für das dritte schlage "
     "ich vor, an die Praxistipps anzuknüpfen und zwei davon zu vertiefen:\n\n"
     "- Politik früh einbeziehen\n- klare Entscheidungsvorlagen\n\n"
     "Welche Fälle aus Ihren Kommunen eignen sich als Beispiel?", [
        (BRANDT, "", "Ich bringe gern eine kurze Auswertung von Beschlussvorlagen mit – "
         "anonymisiert, versteht sich.", [
            (ARSLAN, "", "Gute Idee. Ich ergänze Material zu Planspielen, das passt gut zu den "
             "Vorlagen.", []),
        ]),
        (PETERSEN, "", "Unser Jugendhilfeausschuss hat gerade eine Vorlage mit zwei Optionen "
         "beschlossen. Das könnte ein gutes Praxisbeispiel sein.", []),
    ]),
    ("offener-austausch", "Willkommen im offenen Austausch", REINHOLT, 20,
     "Schön, dass Sie hier sind! Dieses Forum ist offen für alle, die sich für integrierte "
     "Planung für Kinder und Familien interessieren. Stellen Sie Fragen, teilen Sie Fundstücke "
     "– mehr über die Initiative lesen Sie auf [kommune360.de](https://www.kommune360.de).", [
        (KAYA, "", "Danke für den offenen Raum! Ich suche Beispiele, wie Kinder an der "
         "Haushaltsplanung beteiligt werden können – hat jemand Erfahrungen?", []),
        (NIEMANN, "", "Wir haben in unserem Stadtteil ein Kinderbudget ausprobiert. Ich "
         "berichte gern, sobald die Auswertung vorliegt.", []),
    ]),
]
# fmt: on


def _schedule(
    nodes: list[Node], roots_from: datetime, roots_until: datetime
) -> list[tuple[datetime, int | None, Node]]:
    """(time, index of the parent entry, node) for every comment; replies follow their parent."""
    entries: list[tuple[datetime, int | None, Node]] = []

    def walk(node: Node, at: datetime, parent: int | None) -> None:
        entries.append((at, parent, node))
        index = len(entries) - 1
        for position, child in enumerate(node[3]):
            walk(child, at + timedelta(hours=5 + 11 * position, minutes=17 * len(entries)), index)

    step = (roots_until - roots_from) / max(len(nodes), 1)
    for position, node in enumerate(nodes):
        walk(node, roots_from + step * position, None)
    return entries


def _discussion(target, nodes: list[Node], start: datetime, end: datetime, users) -> None:
    """Post the threads on a target that has no comments yet, in chronological order."""
    if Comment.objects.for_target(target).exists():
        return
    entries = _schedule(nodes, start, end)
    created: dict[int, Comment] = {}
    for index in sorted(range(len(entries)), key=lambda i: entries[i][0]):
        at, parent, (email, stance, text, _replies) = entries[index]
        created[index] = comment_insert(
            target=target,
            author=users[email],
            source=text,
            stance=stance if parent is None else "",
            parent=created[parent] if parent is not None else None,
            created_at=at,
        )


def seed(stdout=None) -> None:
    now = timezone.now()
    users = {user.email: user for user in User.objects.filter(email__endswith="@example.org")}

    for number, (title, slug, lead, body, weeks, closes_in, summary) in THESES.items():
        thesis, _ = Thesis.objects.get_or_create(
            number=number,
            defaults={
                "title": title,
                "slug": slug,
                "lead": lead,
                "body": body,
                "opens_at": now - timedelta(weeks=weeks),
                "closes_at": now + timedelta(days=closes_in),
                "summary": summary,
            },
        )
        for order, (name, role, text) in enumerate(STATEMENTS[number], start=1):
            Statement.objects.get_or_create(
                thesis=thesis, order=order, defaults={"name": name, "role": role, "text": text}
            )
        # Threads start a day after the thesis opened and end days before it closed (or now).
        end = min(now, thesis.closes_at or now) - timedelta(days=3)
        _discussion(thesis, DISCUSSIONS[number], thesis.opens_at + timedelta(days=1), end, users)

    forums: dict[str, Forum] = {}
    for slug, (name, visibility, order, description, members) in FORUMS.items():
        forums[slug], _ = Forum.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "visibility": visibility,
                "order": order,
                "description": description,
            },
        )
        forums[slug].members.add(*(users[email] for email in members))

    for slug, title, email, days_ago, text, nodes in TOPICS:
        opened = now - timedelta(days=days_ago)
        topic, _ = Topic.objects.get_or_create(
            forum=forums[slug],
            title=title,
            defaults={
                "author": users[email],
                "text": text,
                "created_at": opened,
                "last_activity_at": opened,
            },
        )
        if topic.author:
            subscription_set(user=topic.author, target=topic, subscribed=True)
        start = topic.created_at + timedelta(hours=2)
        _discussion(topic, nodes, start, start + timedelta(days=days_ago / 2), users)

    if stdout is not None:
        stdout.write(
            f"Diskussion: {Thesis.objects.count()} Thesen, {Comment.objects.count()} Kommentare, "
            f"{Forum.objects.count()} Foren"
        )
