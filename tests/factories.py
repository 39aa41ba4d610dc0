from datetime import timedelta

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from network.models import Municipality, Organisation, Sector, User

PASSWORD = "sicheres-Passwort-42"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Musterstadt {n}")
    slug = factory.Sequence(lambda n: f"musterstadt-{n}")
    kind = Municipality.Kind.KREISFREIE_STADT
    bundesland = "05"
    ags = factory.Sequence(lambda n: f"05{n:06d}")
    population = 100_000
    latitude = "51.50000"
    longitude = "7.00000"
    is_partner = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    sector = Sector.VERWALTUNG
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """A member with a verified primary email, as after allauth's confirmation."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)
        if create:
            obj.save()

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.set(Group.objects.filter(name__in=extracted))


def bulk_members(count: int, topics: tuple[str, ...] = (), **fields) -> list[User]:
    """Many members at once, for query-count tests at scale (no per-row signals)."""
    from django.contrib.contenttypes.models import ContentType
    from taggit.models import Tag, TaggedItem

    start = User.objects.count()
    users = User.objects.bulk_create(
        User(email=f"bulk{start + n}@example.org", name=f"Mitglied {start + n:05d}", **fields)
        for n in range(count)
    )
    tags = [Tag.objects.get_or_create(name=name)[0] for name in topics]
    content_type = ContentType.objects.get_for_model(User)
    TaggedItem.objects.bulk_create(
        TaggedItem(tag=tag, content_type=content_type, object_id=user.pk)
        for user in users
        for tag in tags
    )
    return users


def _days_ago(days: int):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() - timedelta(days=days)


class PostFactory(factory.django.DjangoModelFactory):
    """A published post (Aktuelles), public since yesterday unless told otherwise."""

    class Meta:
        model = "blog.Post"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Beitrag {n}")
    slug = factory.Sequence(lambda n: f"beitrag-{n}")
    lead = "Ein kurzer Vorspann."
    body = "Ein **Text** mit Absatz."
    status = "published"
    published_at = factory.LazyFunction(lambda: _days_ago(1))

    @factory.post_generation
    def tags(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.tags.add(*extracted)

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.authors.add(*extracted)


class ThesisFactory(factory.django.DjangoModelFactory):
    """A published thesis open for discussion: opened a week ago, closes in 30 days."""

    class Meta:
        model = "forums.Thesis"

    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"These {n + 1}")
    slug = factory.Sequence(lambda n: f"these-{n + 1}")
    lead = "Kommunen prägen das Aufwachsen."
    body = "Ein **Text** zur These."
    opens_at = factory.LazyFunction(lambda: _days_ago(7))
    closes_at = factory.LazyFunction(lambda: _days_ahead(30))


def _days_ahead(days: float):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(days=days)


class EventFactory(factory.django.DjangoModelFactory):
    """A published, public event in three weeks, for one day, with 20 seats."""

    class Meta:
        model = "events.Event"
        skip_postgeneration_save = True

    kind = "werkstattgespraech"
    title = factory.Sequence(lambda n: f"Werkstattgespräch {n}")
    slug = factory.Sequence(lambda n: f"veranstaltung-{n}")
    lead = "Ein Austausch über integrierte Planung."
    description = "Wir sprechen über **Präventionsketten**."
    starts_at = factory.LazyFunction(lambda: _days_ahead(21))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=6))
    venue = "Rathaus Musterstadt"
    address = "Markt 1, 12345 Musterstadt"
    capacity = 20
    status = "published"
    audience = "public"

    @factory.post_generation
    def organisers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.organisers.add(*extracted)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A visitor's registration (no account), confirmed a week ago."""

    class Meta:
        model = "events.Registration"

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Gast {n}")
    email = factory.Sequence(lambda n: f"gast{n}@example.org")
    organisation = "Stadt Musterstadt"
    status = "confirmed"
    queued_at = factory.LazyFunction(lambda: _days_ago(7))
    confirmed_at = factory.LazyFunction(lambda: _days_ago(7))
