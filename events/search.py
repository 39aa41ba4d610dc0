"""What events make searchable: announced events and published reports (comments via forums)."""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from k360 import search
from k360.models import SearchDocument

from .models import Contribution, Event, Report

Audience = SearchDocument.Audience


def _audience(event: Event) -> str:
    return Audience.MEMBERS if event.is_members_only else Audience.PUBLIC


def _event_context(event: Event) -> str:
    date = formats.date_format(timezone.localtime(event.starts_at), "j. F Y")
    parts = [f"{event.get_kind_display()}, {date}"]
    if event.venue:
        parts.append(event.venue)
    if event.is_cancelled:
        parts.append(_("abgesagt"))
    return " · ".join(parts)


def _event_document(event: Event) -> search.SearchDoc | None:
    if event.status == Event.Status.DRAFT:
        return None
    from forums.markdown import comment_plain_text

    body = comment_plain_text(event.description_html)
    if event.venue:
        body = f"{body}\n\n{event.venue}"
    # No published_at: the search shows only documents dated up to now, and an upcoming event
    # must be found before it starts; its date stands in the context line instead.
    return search.SearchDoc(
        title=event.title,
        lead=event.lead,
        body=body,
        context=_event_context(event),
        url=event.get_absolute_url(),
        audience=_audience(event),
    )


def _report_document(report: Report) -> search.SearchDoc | None:
    if not report.is_public:
        return None
    from forums.markdown import comment_plain_text

    parts = [comment_plain_text(report.body_html)]
    for contribution in report.contributions.all():
        speaker = contribution.speaker
        if contribution.affiliation:
            speaker = f"{speaker}, {contribution.affiliation}"
        parts.append(f"{contribution.title}\n{speaker}\n{contribution.summary}")
    # Last, as it is no news in a snippet: whoever searches for the event finds its report.
    parts.append(report.event.title)
    return search.SearchDoc(
        title=report.title,
        lead=report.lead,
        body="\n\n".join(parts),
        context=_("zu %(event)s") % {"event": report.event.title},
        url=report.get_absolute_url(),
        published_at=report.published_at,
        audience=_audience(report.event),
    )


def _reports() -> QuerySet:
    return Report.objects.select_related("event").prefetch_related("contributions")


def _event_saved(sender, instance: Event, raw=False, **kwargs) -> None:
    # Status and audience of the event decide who finds its report and the report's comments.
    if raw:
        return
    from forums.search import index_comments_of

    report = _reports().filter(event_id=instance.pk).first()
    if report is not None:
        search.index_object(report)
        index_comments_of(report)


def _report_saved(sender, instance: Report, raw=False, **kwargs) -> None:
    # Comments follow the report's publication (its own document comes with the registry).
    if not raw:
        from forums.search import index_comments_of

        index_comments_of(instance)


def _contribution_changed(sender, instance: Contribution, raw=False, **kwargs) -> None:
    # Also sent while a report is deleted with its contributions: the report's own
    # post_delete removes its document afterwards.
    if raw:
        return
    report = _reports().filter(pk=instance.report_id).first()
    if report is not None:
        search.index_object(report)


def register() -> None:
    search.register(
        Event,
        kind="event",
        label=gettext_lazy("Veranstaltungen"),
        document=_event_document,
        queryset=lambda: Event.objects.all(),
    )
    search.register(
        Report,
        kind="report",
        label=gettext_lazy("Dokumentationen"),
        document=_report_document,
        queryset=_reports,
    )
    post_save.connect(_event_saved, sender=Event, dispatch_uid="events.search.event_saved")
    post_save.connect(_report_saved, sender=Report, dispatch_uid="events.search.report_saved")
    post_save.connect(
        _contribution_changed, sender=Contribution, dispatch_uid="events.search.contribution"
    )
    post_delete.connect(
        _contribution_changed, sender=Contribution, dispatch_uid="events.search.contribution"
    )
