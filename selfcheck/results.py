"""The evaluation of a round: page, PDF for the council, raw answers as CSV."""

import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from k360.spreadsheets import csv_download

from .access import visible_round
from .charts import RadarSeries, radar_chart
from .evaluation import Overview, overview
from .models import Answer, Department, Round, Scale

# The only files a PDF may load: the fonts the site itself uses.
PDF_FONT_DIR = "kern/fonts/fira-sans"
PDF_FONT_FAMILY = "Fira Sans, DejaVu Sans, sans-serif"
_pdf_fonts = threading.local()


def _chart(view: Overview, title_id: str, font_family: str = ""):
    rows = view.rows
    series = [RadarSeries("runde", _("Diese Runde"), [row.result.score for row in rows])]
    if view.previous:
        series.append(
            RadarSeries(
                "vorherige",
                _("Vorherige Runde (%(title)s)") % {"title": view.previous.round.title},
                [row.previous for row in rows],
            )
        )
    if view.median:
        series.append(
            RadarSeries("netzwerk", _("Median im Netzwerk"), [row.median for row in rows])
        )
    return radar_chart(
        [row.section.title for row in rows],
        series,
        title=_("Punkte je Handlungsfeld: %(round)s") % {"round": view.evaluation.round.title},
        title_id=title_id,
        font_family=font_family,
    )


def _context(request: HttpRequest, round_: Round, *, title_id: str, font_family: str = "") -> dict:
    view = overview(round_)
    return {
        "round": round_,
        "view": view,
        "evaluation": view.evaluation,
        "chart": None if view.evaluation.is_empty else _chart(view, title_id, font_family),
        "is_coordinator": round_.user_is_coordinator(request.user),
        "now": timezone.now(),
    }


@login_required
def evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    return render(
        request,
        "selfcheck/evaluation.html",
        _context(request, round_, title_id="netzdiagramm-titel"),
    )


def _fonts_only(font_dir: Path):
    """A WeasyPrint URL fetcher that reads the site's font files and nothing else."""
    from weasyprint.urls import URLFetcher

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file":
                path = Path(url2pathname(parts.path)).resolve()
                if path.is_relative_to(font_dir) and path.suffix == ".woff2":
                    return super().fetch(url, headers)
            raise ValueError(f"Im PDF nicht erlaubt: {url}")

    return FontsOnly(allowed_protocols={"file"})


def _font_config():
    """WeasyPrint's font configuration, kept per thread: unpacking and registering the
    @font-face fonts anew took half of each PDF's time."""
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_pdf_fonts, "config", None) is None:
        _pdf_fonts.config = FontConfiguration()
    return _pdf_fonts.config


@login_required
def evaluation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    try:
        import weasyprint
    except OSError:
        # WeasyPrint needs Pango; on a machine without it the page says so instead of a 500.
        return render(
            request, "selfcheck/evaluation_pdf_unavailable.html", {"round": round_}, status=503
        )
    context = _context(
        request, round_, title_id="pdf-netzdiagramm-titel", font_family=PDF_FONT_FAMILY
    )
    # Without the fonts (npm packages not installed) the PDF falls back to the system's.
    font_dir = Path(finders.find(PDF_FONT_DIR) or "/nonexistent").resolve()
    context["has_fonts"] = font_dir.is_dir()
    html = render_to_string("selfcheck/evaluation_pdf.html", context, request=request)
    pdf = weasyprint.HTML(
        string=html, base_url=font_dir.as_uri() + "/", url_fetcher=_fonts_only(font_dir)
    ).write_pdf(font_config=_font_config())
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="selbstcheck-{round_.municipality.slug}-{round_.pk}.pdf"'
    )
    return response


CSV_HEADER = [
    gettext_lazy("Handlungsfeld"),
    gettext_lazy("Kennung"),
    gettext_lazy("Aussage"),
    gettext_lazy("Fachbereich"),
    gettext_lazy("Teilnehmer:in"),
    gettext_lazy("Antwort"),
    gettext_lazy("Wert"),
    gettext_lazy("Kommentar"),
]


@login_required
def answers_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Every answer with its author: for the municipality's coordination, not for everyone."""
    round_ = visible_round(request, pk)
    if not round_.user_is_coordinator(request.user):
        raise PermissionDenied(_("Die einzelnen Antworten lädt die Koordination der Kommune."))
    response, write_row = csv_download(
        f"selbstcheck-{round_.municipality.slug}-{round_.pk}-antworten.csv", CSV_HEADER
    )
    departments = dict(Department.choices)
    values = dict(Scale.choices)
    rows = (
        Answer.objects.filter(participant__round=round_)
        .order_by(
            "indicator__section__order",
            "indicator__section_id",
            "indicator__order",
            "indicator_id",
            "participant__department",
            "participant_id",
        )
        .values_list(
            "indicator__section__title",
            "indicator__code",
            "indicator__statement",
            "participant__department",
            "participant__user__name",
            "participant__email",
            "value",
            "comment",
        )
    )
    for section, code, statement, department, name, email, value, comment in rows.iterator():
        write_row(
            (
                section,
                code,
                statement,
                departments.get(department, department),
                name or email,
                values.get(value, ""),
                value,
                comment,
            )
        )
    return response
