"""One search over everything the apps make searchable (/suche/).

Each app registers its models with `register()`: a function turns an object into a `SearchDoc`
(or None while it must not be found), and the registry keeps one `SearchDocument` row per object
current through post_save/post_delete. On PostgreSQL the row carries a weighted tsvector
(german configuration) and a substring match through pg_trgm finds parts of compound words;
SQLite (make run) gets a plain contains search.
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import models, transaction
from django.db.models import Case, Count, F, FloatField, Q, Value, When
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


def _vector() -> SearchVector:
    return (
        SearchVector("title", weight="A", config="german")
        + SearchVector("lead", weight="B", config="german")
        + SearchVector("body", weight="C", config="german")
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


def _update_vectors(documents: models.QuerySet) -> None:
    if settings.USING_POSTGRES:
        documents.update(search_vector=_vector())


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
        _update_vectors(documents.filter(object_id__in=[row.object_id for row in rows]))


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
            _update_vectors(SearchDocument.objects.filter(content_type=content_type))
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
    match = Q()
    for term in terms:
        # On PostgreSQL icontains is UPPER(column) LIKE UPPER(…): the UPPER(…) gin_trgm_ops
        # indexes serve it, and parts of compound words ("Jugendhilfe") are found.
        match &= Q(title__icontains=term) | Q(lead__icontains=term) | Q(body__icontains=term)
    return match


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
    count: int


@dataclass
class SearchResults:
    query: str
    kind: str | None
    counts: list[KindCount] = field(default_factory=list)
    hits: "LazyHits | None" = None

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts if self.kind in (None, c.kind))

    @property
    def total_all_kinds(self) -> int:
        return sum(c.count for c in self.counts)

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
        visible = SearchDocument.objects.filter(_visible_to(user))
        if self.postgres:
            self.search_query = SearchQuery(query, search_type="websearch", config="german")
            match = Q(search_vector=self.search_query)
            if self.terms:
                match |= _contains_all(self.terms)
            self.rank = Coalesce(
                SearchRank(F("search_vector"), self.search_query),
                Value(0.0),
                output_field=FloatField(),
            )
        else:
            terms = self.terms or [query]
            match = _contains_all(terms)
            self.rank = Case(
                When(_title_contains(terms), then=Value(2.0)),
                When(_lead_contains(terms), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
        self.matching = visible.filter(match)

    def counts(self) -> list[KindCount]:
        found = dict(
            self.matching.order_by()
            .values_list("kind")
            .annotate(n=Count("pk"))
            .values_list("kind", "n")
        )
        return [
            KindCount(kind, label, found[kind])
            for kind, label in self.labels.items()
            if kind in found
        ]

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
        ranked = self.matching
        if self.kind:
            ranked = ranked.filter(kind=self.kind)
        ranked = ranked.annotate(rank=self.rank).order_by(*self._ordering())
        fields = ["kind", "title", "context", "url", "published_at", "lead", "body"]
        if self.postgres:
            # Headlines are costly: the page's 20 ids first, then headlines for them alone.
            rows = (
                SearchDocument.objects.filter(pk__in=ranked.values("pk")[start:stop])
                .annotate(
                    rank=self.rank,
                    headline=self._headline(),
                )
                .order_by(*self._ordering())
                .values(*fields, "headline")
            )
        else:
            rows = ranked.values(*fields)[start:stop]
        return [self._hit(row) for row in rows]

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
    results.counts = found.counts()
    results.hits = LazyHits(found, results.total)
    return results
