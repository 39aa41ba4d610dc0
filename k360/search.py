"""One search over everything the apps make searchable (/suche/).

Each app registers its models with `register()`: a function turns an object into a `SearchDoc`
(or None while it must not be found), and the registry keeps one `SearchDocument` row per object
current through post_save/post_delete. On PostgreSQL a trigger gives every row its weighted
tsvectors (german configuration, see the migration), and a word list with a pg_trgm index
finds parts of compound words; SQLite (make run) gets a plain contains search.
"""

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models, transaction
from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Coalesce, Concat, Length, Replace
from django.db.models.lookups import LessThan
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import SearchDocument

MIN_QUERY_LENGTH = 2
MAX_QUERY_LENGTH = 200
PAGE_SIZE = 20
# Substring terms shorter than a trigram cannot use the trigram index; more terms add little.
MIN_TERM_LENGTH = 3
MAX_TERMS = 5
# Compound words: a query word of at least this many letters (as a stem) is looked up inside
# longer words, and at most so many of those are added to the query.
MIN_COMPOUND_PART = 4
MAX_EXPANSIONS = 30
# Like Elasticsearch's track_total_hits: matches are counted exactly up to here; a query matching
# more says "more than 1,000" and lists the 1,000 best, which is more than anyone pages through.
COUNT_LIMIT = 1000
SNIPPET_LENGTH = 240
BATCH_SIZE = 1000

# ts_headline marks matches with these; they cannot occur in indexed text (see _clean), so
# after escaping they are the only places that become <mark>.
_START, _STOP, _LT = "\x02", "\x03", "\x04"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class SearchDoc:
    """What one object shows to the search. `body` is plain text, never HTML."""

    title: str
    url: str
    audience: str = SearchDocument.Audience.PUBLIC
    lead: str = ""
    body: str = ""
    context: str = ""
    published_at: datetime | None = None
    forum_id: int | None = None


@dataclass(frozen=True, slots=True)
class Registration:
    model: type[models.Model]
    kind: str
    label: str
    document: Callable[[Any], SearchDoc | None]
    queryset: Callable[[], models.QuerySet] | None = None


_registry: dict[type[models.Model], Registration] = {}


def register(
    model: type[models.Model],
    *,
    kind: str,
    label: str,
    document: Callable[[Any], SearchDoc | None],
    queryset: Callable[[], models.QuerySet] | None = None,
) -> None:
    """Make a model searchable; `queryset` (with its select/prefetch) serves reindex()."""
    _registry[model] = Registration(model, kind, label, document, queryset)
    uid = f"k360.search.{model._meta.label_lower}"
    post_save.connect(_on_save, sender=model, dispatch_uid=uid)
    post_delete.connect(_on_delete, sender=model, dispatch_uid=uid)


def kinds() -> list[tuple[str, str]]:
    """The registered kinds and their labels, in registration order."""
    return [(registration.kind, registration.label) for registration in _registry.values()]


def _on_save(sender, instance, raw: bool = False, **kwargs) -> None:
    if not raw:  # fixtures load objects before the ones they point to
        index_object(instance)


def _on_delete(sender, instance, **kwargs) -> None:
    unindex_object(instance)


def _registration(model: type[models.Model]) -> Registration:
    return _registry[model._meta.concrete_model]


def _clean(text: str) -> str:
    return _CONTROL.sub(" ", text or "")


def _row(registration: Registration, content_type: ContentType, obj, doc: SearchDoc):
    return SearchDocument(
        content_type=content_type,
        object_id=obj.pk,
        kind=registration.kind,
        title=_clean(doc.title)[:300],
        lead=_clean(doc.lead),
        body=_clean(doc.body),
        context=doc.context[:300],
        url=doc.url,
        published_at=doc.published_at,
        audience=doc.audience,
        forum_id=doc.forum_id,
    )


_UPSERT_FIELDS = [
    "kind",
    "title",
    "lead",
    "body",
    "context",
    "url",
    "published_at",
    "audience",
    "forum",
]

# The words of the given documents into the lexicon (k360.SearchTerm): letters only, folded as
# the german stemmer folds them, each with its stem; stop words have none and are left out.
_ADD_WORDS = """
INSERT INTO k360_searchterm (word, lexeme)
SELECT word, lexeme FROM (
    SELECT replace(translate(raw, 'äöü', 'aou'), 'ß', 'ss') AS word,
           (tsvector_to_array(to_tsvector('german', raw)))[1] AS lexeme
    FROM (
        SELECT DISTINCT unnest(tsvector_to_array(
            to_tsvector('simple', doc.title || ' ' || doc.lead || ' ' || doc.body)
        )) AS raw
        FROM k360_searchdocument doc
        WHERE doc.id = ANY(%s)
    ) AS words
    WHERE raw ~ '^[[:alpha:]]{4,60}$'
) AS terms
WHERE lexeme IS NOT NULL AND lexeme ~ '^[[:alpha:]]+$'
ON CONFLICT (word) DO NOTHING
"""


def _add_words(documents: models.QuerySet) -> None:
    """Add the words of these documents to the lexicon (their vectors come from a trigger)."""
    if not settings.USING_POSTGRES:
        return
    ids = list(documents.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH_SIZE * 10):
            cursor.execute(_ADD_WORDS, [ids[start : start + BATCH_SIZE * 10]])


def index_object(obj: models.Model) -> None:
    """Bring the object's search document up to date (for writes that bypass save())."""
    index_objects([obj])


def index_objects(objects: Iterable[models.Model]) -> None:
    """Bring the documents of these objects (of one registered model) up to date, in bulk."""
    objects = list(objects)
    if not objects:
        return
    registration = _registration(type(objects[0]))
    content_type = ContentType.objects.get_for_model(objects[0])
    rows, gone = [], []
    for obj in objects:
        doc = registration.document(obj)
        if doc is None:
            gone.append(obj.pk)
        else:
            rows.append(_row(registration, content_type, obj, doc))
    documents = SearchDocument.objects.filter(content_type=content_type)
    if gone:
        documents.filter(object_id__in=gone).delete()
    if rows:
        SearchDocument.objects.bulk_create(
            rows,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["content_type", "object_id"],
            update_fields=_UPSERT_FIELDS,
        )
        _add_words(documents.filter(object_id__in=[row.object_id for row in rows]))


def unindex_object(obj: models.Model) -> None:
    SearchDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).delete()


def reindex(model: type[models.Model] | None = None) -> int:
    """Rebuild the documents of one registered model, or of all; returns how many exist."""
    registrations = [_registration(model)] if model else list(_registry.values())
    total = 0
    for registration in registrations:
        content_type = ContentType.objects.get_for_model(registration.model)
        queryset = (
            registration.queryset()
            if registration.queryset
            else registration.model._default_manager.all()
        )
        with transaction.atomic():
            SearchDocument.objects.filter(content_type=content_type).delete()
            batch: list[SearchDocument] = []
            for obj in queryset.iterator(chunk_size=BATCH_SIZE):
                doc = registration.document(obj)
                if doc is not None:
                    batch.append(_row(registration, content_type, obj, doc))
                if len(batch) >= BATCH_SIZE:
                    SearchDocument.objects.bulk_create(batch)
                    total += len(batch)
                    batch = []
            SearchDocument.objects.bulk_create(batch)
            total += len(batch)
            _add_words(SearchDocument.objects.filter(content_type=content_type))
    return total


# Searching


def normalise(query: str) -> str:
    """Printable characters only, whitespace collapsed, at most MAX_QUERY_LENGTH long."""
    query = "".join(char if char.isprintable() else " " for char in query or "")
    return " ".join(query.split())[:MAX_QUERY_LENGTH].strip()


def _terms(query: str) -> list[str]:
    # Words a searcher wants to see: "-wort" excludes in websearch syntax, so it is skipped.
    words = re.findall(r"(?<![\w-])\w+", query)
    terms = [word for word in words if len(word) >= MIN_TERM_LENGTH]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


_LETTERS = re.compile(r"^[^\W\d_]+$")
# For each query word: its stem, and the stems of the known words that contain it.
_EXPAND = """
WITH q AS MATERIALIZED (
    SELECT position, (tsvector_to_array(to_tsvector('german', w)))[1] AS stem
    FROM unnest(%s::text[]) WITH ORDINALITY AS words(w, position)
)
SELECT q.position, q.stem, t.lexeme
FROM q
LEFT JOIN LATERAL (
    SELECT lexeme FROM k360_searchterm
    WHERE length(q.stem) >= %s AND word LIKE '%%' || q.stem || '%%'
    GROUP BY lexeme
    ORDER BY length(lexeme), lexeme
    LIMIT %s
) AS t ON true
WHERE q.stem IS NOT NULL
"""


def _compound_query(query: str) -> str:
    """A raw tsquery (config simple) that also finds the query's words inside compounds.

    Every word becomes (its stem | the stems of known words containing it), the words are
    AND-ed and "-wort" stays excluded: "Jugendhilfe" → ('jugendhilf' | 'jugendhilfeplan').
    Quoted phrases and "or" are left to websearch_to_tsquery alone. Only stems of letters are
    written into the query, so nothing the searcher types can change its syntax.
    """
    if '"' in query or re.search(r"(?i)(?<!\S)or(?!\S)", query):
        return ""
    positive = [w for w in re.findall(r"(?<![\w-])\w+", query) if _LETTERS.match(w)]
    negative = [w for w in re.findall(r"(?<![\w])-(\w+)", query) if _LETTERS.match(w)]
    positive = list(dict.fromkeys(positive))[:MAX_TERMS]
    if not positive:
        return ""
    words = positive + negative[:MAX_TERMS]
    with connection.cursor() as cursor:
        cursor.execute(_EXPAND, [words, MIN_COMPOUND_PART, MAX_EXPANSIONS])
        rows = cursor.fetchall()
    alternatives: dict[int, list[str]] = {}
    for position, stem, lexeme in rows:
        found = alternatives.setdefault(position, [stem])
        if lexeme and lexeme not in found:
            found.append(lexeme)
    clauses = []
    for position, lexemes in sorted(alternatives.items()):
        lexemes = [lexeme for lexeme in lexemes if _LETTERS.match(lexeme)]
        if not lexemes:
            continue
        if position > len(positive):
            clauses.append(f"!'{lexemes[0]}'")
        else:
            clauses.append("(" + " | ".join(f"'{lexeme}'" for lexeme in lexemes) + ")")
    if not any(clause.startswith("(") for clause in clauses):
        return ""  # only stop words or exclusions: websearch_to_tsquery decides alone
    return " & ".join(clauses)


def _visible_to(user) -> Q:
    from forums.models import Forum, is_moderator

    audience = SearchDocument.Audience
    visible = Q(published_at__isnull=True) | Q(published_at__lte=timezone.now())
    if is_moderator(user):
        return visible
    if not user.is_authenticated:
        return visible & Q(audience=audience.PUBLIC)
    own_forums = Forum.members.through.objects.filter(user_id=user.pk).values("forum_id")
    return visible & (
        Q(audience__in=[audience.PUBLIC, audience.MEMBERS])
        | Q(audience=audience.PRIVATE, forum_id__in=own_forums)
    )


def _contains_all(terms: Sequence[str]) -> Q:
    """SQLite's search (make run): every term somewhere in title, lead or body."""
    match = Q()
    for term in terms:
        match &= Q(title__icontains=term) | Q(lead__icontains=term) | Q(body__icontains=term)
    return match


@contextmanager
def _index_scans_only(enabled: bool):
    """Keep PostgreSQL on the GIN index, also for a query matching much of the table.

    The planner prices `vector @@ query` as cheap and, above a certain share of matching rows,
    prefers reading the whole table; but every row read that way has its out-of-line vector
    unpacked, which costs far more than the bitmap from the index. SET LOCAL ends with the
    transaction.
    """
    if not enabled:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        yield


@dataclass(slots=True)
class Hit:
    kind: str
    kind_label: str
    title: str
    context: str
    url: str
    published_at: datetime | None
    snippet: SafeString


@dataclass(slots=True)
class KindCount:
    kind: str
    label: str
    count: int | None  # None: not counted, the query matches too much (see COUNT_LIMIT)


@dataclass
class SearchResults:
    query: str
    kind: str | None
    counts: list[KindCount] = field(default_factory=list)
    hits: "LazyHits | None" = None
    # More than COUNT_LIMIT hits: counted up to there, and only so many are listed.
    capped: bool = False
    total: int = 0
    total_all_kinds: int = 0

    @property
    def searched(self) -> bool:
        return self.hits is not None


class LazyHits:
    """A sliceable list of hits for Paginator: only the requested page is fetched."""

    def __init__(self, search: "_Search", count: int):
        self._search, self._count = search, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: slice) -> list[Hit]:
        if not isinstance(index, slice):
            raise TypeError("LazyHits supports slices only")
        start, stop = index.start or 0, min(index.stop or self._count, self._count)
        return self._search.page(start, stop) if stop > start else []


class _Search:
    def __init__(self, query: str, user, kind: str | None):
        self.query, self.terms, self.kind = query, _terms(query), kind
        self.labels = dict(kinds())
        self.postgres = settings.USING_POSTGRES
        self.broad = False  # set by count(): more matches than COUNT_LIMIT
        self.ids: list[int] | None = None  # set by count(): all listed matches, unless broad
        self._visible = _visible_to(user)
        self.excludes = bool(re.search(r"(?<![\w])-\w", query))
        visible = SearchDocument.objects.filter(self._visible)
        if self.postgres:
            self.search_query = SearchQuery(query, search_type="websearch", config="german")
            compound = _compound_query(query)
            if compound:
                self.search_query |= SearchQuery(compound, search_type="raw", config="simple")
            match = Q(search_vector=self.search_query)
        else:
            match = _contains_all(self.terms or [query])
        self.matching = visible.filter(match)

    def _listed(self) -> models.QuerySet:
        return self.matching.filter(kind=self.kind) if self.kind else self.matching

    def count(self, results: SearchResults) -> None:
        """Per-kind counts, exact up to COUNT_LIMIT matches; beyond that only "more than".

        The ids found here are kept: the page then ranks just these rows and need not match
        again (for a phrase, matching means checking word positions in every candidate).
        """
        with _index_scans_only(self.postgres):
            found = list(self.matching.order_by().values_list("pk", "kind")[: COUNT_LIMIT + 1])
        per_kind = Counter(kind for _pk, kind in found)
        if len(found) > COUNT_LIMIT:
            results.capped = True
            results.total_all_kinds = COUNT_LIMIT
            results.counts = [KindCount(kind, label, None) for kind, label in self.labels.items()]
            self.broad = True
            if self.kind:
                with _index_scans_only(self.postgres):
                    listed = list(self._listed().values_list("pk", flat=True)[: COUNT_LIMIT + 1])
                self.broad = len(listed) > COUNT_LIMIT
                self.ids = None if self.broad else listed
            results.total = len(self.ids) if self.ids is not None else COUNT_LIMIT
        else:
            results.total_all_kinds = len(found)
            results.counts = [
                KindCount(kind, label, per_kind[kind])
                for kind, label in self.labels.items()
                if kind in per_kind
            ]
            self.ids = [pk for pk, kind in found if self.kind in (None, kind)]
            results.total = len(self.ids)

    def _rank(self):
        if not self.postgres:
            terms = self.terms or [self.query]
            return Case(
                When(_title_contains(terms), then=Value(2.0)),
                When(_lead_contains(terms), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        # A broad query ranks its many matches by title and lead (kept in the row); the
        # whole vector would have to be unpacked for every one of them.
        vector = "head_vector" if self.broad else "search_vector"
        return Coalesce(
            SearchRank(F(vector), self.search_query), Value(0.0), output_field=FloatField()
        )

    def _ordering(self) -> list:
        return [F("rank").desc(), F("published_at").desc(nulls_last=True), F("pk").desc()]

    def _headline(self) -> Case:
        # The parser would drop anything that looks like an HTML tag: hide "<" from it.
        text = Replace(
            Concat("lead", Value("\n\n"), "body", output_field=models.TextField()),
            Value("<"),
            Value(_LT),
        )
        options = {"config": "german", "start_sel": _START, "stop_sel": _STOP}
        # Fragments suit long texts; a short one is shown whole (up to 35 words).
        return Case(
            When(
                LessThan(Length(Concat("lead", "body")), SNIPPET_LENGTH),
                then=SearchHeadline(text, self.search_query, max_words=35, min_words=15, **options),
            ),
            default=SearchHeadline(
                text,
                self.search_query,
                max_fragments=2,
                max_words=18,
                min_words=8,
                fragment_delimiter=" … ",
                **options,
            ),
            output_field=models.TextField(),
        )

    def page(self, start: int, stop: int) -> list[Hit]:
        fields = ["kind", "title", "context", "url", "published_at", "lead", "body"]
        if not self.postgres:
            ranked = SearchDocument.objects.filter(pk__in=self.ids).annotate(rank=self._rank())
            rows = ranked.order_by(*self._ordering()).values(*fields)[start:stop]
            return [self._hit(row) for row in rows]
        with _index_scans_only(True):
            if self.broad:
                ids = self._broad_ids(start, stop)
                page = SearchDocument.objects.filter(pk__in=ids)
            else:
                ranked = SearchDocument.objects.filter(pk__in=self.ids).annotate(rank=self._rank())
                ranked = ranked.order_by(*self._ordering()).values("pk")[start:stop]
                page = SearchDocument.objects.filter(pk__in=ranked)
            # Headlines are costly: the page's ids first, then headlines for them alone.
            rows = (
                page.annotate(rank=self._rank(), headline=self._headline())
                .order_by(*self._ordering())
                .values("pk", *fields, "headline")
            )
            if self.broad:
                position = {pk: n for n, pk in enumerate(ids)}
                rows = sorted(rows, key=lambda row: position[row["pk"]])
            return [self._hit(row) for row in rows]

    def _broad_ids(self, start: int, stop: int) -> list[int]:
        """The ids of a page of a query matching more than COUNT_LIMIT documents.

        Ranking all of them would read every match; instead the documents that name the query
        in title or lead come first, then the others, each newest first. Where matches are
        dense, both walk the published_at index backwards and stop after the page (reading the
        small head vector of a row, the large one only for rows that pass); where few titles
        match, the head vector's GIN index finds them. Deep pages of a query matching a few
        percent of all documents are the slow case (about 0.1 s at page 50 of 50,000).
        """
        newest = [F("published_at").desc(nulls_last=True), F("pk").desc()]
        visible = SearchDocument.objects.filter(self._visible)
        if self.kind:
            visible = visible.filter(kind=self.kind)
        in_head = Q(head_vector=self.search_query)
        heads = visible.filter(in_head)
        if self.excludes:
            # "-wort" may stand in the text only: a head match is no match then.
            heads = heads.filter(search_vector=self.search_query)
        heads = heads.order_by(*newest).values_list("pk", flat=True)
        others = (
            visible.filter(search_vector=self.search_query)
            .exclude(in_head)
            .order_by(*newest)
            .values_list("pk", flat=True)
        )
        ids = list(heads[start:stop])
        if len(ids) == stop - start:
            return ids
        # The heads end on this page: here the others begin.
        head_total = start + len(ids) if ids or start == 0 else heads.count()
        offset = max(0, start - head_total)
        return ids + list(others[offset : offset + (stop - start - len(ids))])

    def _hit(self, row: dict) -> Hit:
        headline = " ".join((row.get("headline") or "").split())
        if _START in headline:
            # Escaped first: afterwards only our markers become tags.
            snippet = mark_safe(
                escape(headline)
                .replace(_START, "<mark>")
                .replace(_STOP, "</mark>")
                .replace(_LT, "&lt;")
            )
        else:
            text = "\n\n".join(part for part in (row["lead"], row["body"]) if part)
            snippet = snippet_for(text, self.terms or [self.query])
        return Hit(
            kind=row["kind"],
            kind_label=self.labels.get(row["kind"], row["kind"]),
            title=row["title"],
            context=row["context"],
            url=row["url"],
            published_at=row["published_at"],
            snippet=snippet,
        )


def _title_contains(terms: Sequence[str]) -> Q:
    return Q(*[Q(title__icontains=term) for term in terms])


def _lead_contains(terms: Sequence[str]) -> Q:
    return Q(*[Q(lead__icontains=term) for term in terms])


def snippet_for(text: str, terms: Sequence[str], length: int = SNIPPET_LENGTH) -> SafeString:
    """An escaped excerpt around the first term found, every term occurrence in <mark>."""
    text = " ".join(text.split())
    pattern = re.compile("|".join(re.escape(term) for term in terms if term), re.IGNORECASE)
    first = pattern.search(text) if terms else None
    start = 0
    if first and first.start() > length // 3:
        start = text.rfind(" ", 0, first.start() - length // 3) + 1
    stop = start + length
    if stop < len(text):
        stop = max(text.rfind(" ", start, stop), start + length // 2)
    excerpt = text[start:stop]
    parts, position = [], 0
    for match in pattern.finditer(excerpt) if terms else ():
        parts.append(escape(excerpt[position : match.start()]))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        position = match.end()
    parts.append(escape(excerpt[position:]))
    html = "".join(parts)
    if start > 0:
        html = "… " + html
    if stop < len(text):
        html += " …"
    return mark_safe(html)  # built from escaped parts only


def search(query: str, user, kind: str | None = None) -> SearchResults:
    """Search what the user may see; the hits load page by page through a Paginator."""
    query = normalise(query)
    if kind not in dict(kinds()):
        kind = None
    results = SearchResults(query=query, kind=kind)
    if len(query) < MIN_QUERY_LENGTH:
        return results
    found = _Search(query, user, kind)
    found.count(results)
    results.hits = LazyHits(found, results.total)
    return results
