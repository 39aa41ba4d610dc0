"""The Dokumentation of an event: report page with contributions, photos and comments."""

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from forums.discussion import discussion_context
from forums.models import Thesis

from .models import Event, Report
from .views import with_event


def _report_of(event: Event) -> Report:
    try:
        report = event.report  # came with the event (Event.objects.for_detail)
    except Report.DoesNotExist as exc:
        raise Http404 from exc
    # A thesis that is not (or no longer) published would lead visitors to a 404.
    prefetch_related_objects(
        [report],
        "contributions",
        "photos",
        "attachments",
        Prefetch("theses", queryset=Thesis.objects.published().order_by("number")),
    )
    return report


@with_event
def report_detail(request: HttpRequest, event: Event) -> HttpResponse:
    """Published reports for whoever may see the event; drafts for its organisers only."""
    report = _report_of(event)
    is_draft = not report.is_public
    if is_draft and not request.user.has_perm("events.manage_event", event):
        raise Http404
    context = {"event": event, "report": report, "is_draft": is_draft}
    # A draft has no discussion yet: comments would be public the moment it is published.
    if not is_draft:
        context.update(discussion_context(request, report))
    return render(request, "events/report_detail.html", context)
