"""Events and their Dokumentationen in the search: who finds what, and when it changes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import formats, timezone

from events.models import Contribution, Report
from k360 import search
from k360.models import SearchDocument
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db

ANONYMOUS = AnonymousUser()


def hits(query, user=ANONYMOUS, kind=None):
    results = search.search(query, user, kind)
    return results.hits[0 : results.total] if results.hits else []


def urls(query, user=ANONYMOUS, kind=None) -> list[str]:
    return [hit.url for hit in hits(query, user, kind)]


def make_report(event=None, status=Report.Status.PUBLISHED, **fields) -> Report:
    fields.setdefault("title", "Dokumentation des Herbstforums")
    fields.setdefault("lead", "Was wir gelernt haben.")
    fields.setdefault("body", "Die Partnerkommunen arbeiteten an **eigenen Fällen**.")
    return Report.objects.create(event=event or EventFactory(), status=status, **fields)


def contribute(report, summary="Ohne Sozialraumanalyse keine Steuerung.", **fields):
    fields.setdefault("speaker", "Prof. Dr. Eva Beispiel")
    fields.setdefault("title", "Impulse aus der Wissenschaft")
    return Contribution.objects.create(report=report, summary=summary, **fields)


# Events


def test_an_event_is_found_by_its_title_with_date_and_venue():
    event = EventFactory(title="Werkstattgespräch Kinderschutz", venue="Umweltforum Berlin")
    (hit,) = hits("Kinderschutz")
    assert (hit.kind, hit.kind_label, hit.url) == (
        "event",
        "Veranstaltungen",
        event.get_absolute_url(),
    )
    assert hit.title == "Werkstattgespräch Kinderschutz"
    # An upcoming event is found before it starts; its date stands in the context.
    date = formats.date_format(timezone.localtime(event.starts_at), "j. F Y")
    assert hit.context == f"Werkstattgespräch, {date} · Umweltforum Berlin"
    assert hit.published_at is None
    assert urls("Umweltforum") == [event.get_absolute_url()]


def test_draft_events_are_not_found_cancelled_ones_are():
    event = EventFactory(title="Barcamp Familienzentren", status="draft")
    assert urls("Familienzentren") == []
    event.status = "cancelled"
    event.save()
    (hit,) = hits("Familienzentren")
    assert "abgesagt" in hit.context


def test_members_only_events_are_found_by_members_only():
    event = EventFactory(title="Netzwerktreffen Jugendhilfeplanung", audience="members")
    assert urls("Jugendhilfeplanung") == []
    assert urls("Jugendhilfeplanung", UserFactory()) == [event.get_absolute_url()]
    event.audience = "public"
    event.save()
    assert urls("Jugendhilfeplanung") == [event.get_absolute_url()]


# Reports


def test_a_published_report_is_found_by_a_word_of_a_contribution():
    report = make_report()
    contribute(report)
    (hit,) = hits("Sozialraumanalyse")
    assert (hit.kind, hit.kind_label) == ("report", "Dokumentationen")
    assert hit.url == report.get_absolute_url()
    assert hit.context == f"zu {report.event.title}"
    assert "<mark>Sozialraumanalyse</mark>" in hit.snippet
    assert urls("Beispiel", kind="report") == [report.get_absolute_url()]
    assert urls("Fällen", kind="report") == [report.get_absolute_url()]


def test_changing_or_deleting_a_contribution_updates_the_report():
    report = make_report()
    contribution = contribute(report)
    contribution.summary = "Präventionsketten tragen."
    contribution.save()
    assert urls("Sozialraumanalyse") == []
    assert urls("Präventionsketten", kind="report") == [report.get_absolute_url()]
    contribution.delete()
    assert urls("Präventionsketten", kind="report") == []
    assert urls("Herbstforums") == [report.get_absolute_url()]


def test_a_draft_report_is_not_found_until_published():
    report = make_report(status=Report.Status.DRAFT)
    contribute(report)
    assert urls("Sozialraumanalyse") == []
    report.status = Report.Status.PUBLISHED
    report.save()
    assert urls("Sozialraumanalyse") == [report.get_absolute_url()]


def test_a_members_only_events_report_is_found_by_members_only():
    report = make_report(EventFactory(audience="members"))
    contribute(report)
    assert urls("Sozialraumanalyse") == []
    assert urls("Sozialraumanalyse", UserFactory()) == [report.get_absolute_url()]


def test_the_event_decides_who_finds_the_report_and_its_comments(make_comment):
    event = EventFactory(title="Herbstforum")
    report = make_report(event)
    contribute(report)
    make_comment(report, text="Danke für die Runde zur Angebotsanalyse")
    assert [hit.kind for hit in hits("Angebotsanalyse")] == ["comment"]
    assert urls("Sozialraumanalyse") == [report.get_absolute_url()]

    event.audience = "members"
    event.save()
    assert urls("Sozialraumanalyse") == [] and urls("Angebotsanalyse") == []
    member = UserFactory()
    assert urls("Sozialraumanalyse", member) == [report.get_absolute_url()]
    assert len(urls("Angebotsanalyse", member)) == 1

    event.status = "draft"
    event.save()
    assert urls("Sozialraumanalyse", member) == [] and urls("Angebotsanalyse", member) == []


def test_unpublishing_a_report_hides_its_comments(make_comment):
    report = make_report()
    make_comment(report, text="Die Angebotsanalyse hat geholfen.")
    assert len(urls("Angebotsanalyse")) == 1
    report.status = Report.Status.DRAFT
    report.save()
    assert urls("Angebotsanalyse") == []


def test_deleting_the_event_removes_event_report_and_comments(make_comment):
    event = EventFactory(title="Herbstforum Sozialplanung")
    report = make_report(event)
    contribute(report)
    make_comment(report, text="Sozialplanung braucht Zeit.")
    assert SearchDocument.objects.count() == 3
    event.delete()
    assert not SearchDocument.objects.exists()


def test_reindex_includes_events_and_reports():
    report = make_report(EventFactory(title="Festival der Vielfalt"))
    contribute(report)
    SearchDocument.objects.all().delete()
    search.reindex()
    assert {hit.kind for hit in hits("Vielfalt")} == {"event", "report"}
    assert urls("Sozialraumanalyse") == [report.get_absolute_url()]
