from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import services
from .access import visible_round
from .forms import SCALE_ORDER, InviteForm, JoinForm, RoundStartForm, parse_value
from .models import Answer, Indicator, Participant, Questionnaire, Round, Section
from .progress import participant_progress, progress_of, questionnaire_indicators


def index(request: HttpRequest) -> HttpResponse:
    """What the Selbstcheck is; for members their rounds, for coordinators a new round."""
    user = request.user
    rounds = (
        list(
            Round.objects.visible_to(user)
            .select_related("municipality", "questionnaire")
            .order_by("-created_at", "-pk")[:50]
        )
        if user.is_authenticated
        else []
    )
    can_start = user.is_authenticated and user.is_coordinator and bool(user.municipality_id)
    return render(
        request,
        "selfcheck/index.html",
        {
            "rounds": rounds,
            "can_start": can_start,
            "form": RoundStartForm() if can_start else None,
            "questionnaires": Questionnaire.objects.published().order_by("key", "-version"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not (user.is_coordinator and user.municipality_id):
        raise PermissionDenied(
            _(
                "Eine Runde beginnt die Koordination einer Kommune. Bitten Sie die Koordination "
                "Ihrer Kommune um eine Einladung."
            )
        )
    form = RoundStartForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            round_ = services.round_start(
                user=user,
                questionnaire=data["questionnaire"],
                title=data["title"],
                department=data["department"],
                prefill=data["prefill"],
            )
            messages.success(
                request, _("Die Runde ist eröffnet. Laden Sie jetzt Ihre Kolleg:innen ein.")
            )
            return redirect(round_)
        status = 400
    else:
        status = 200
    return render(request, "selfcheck/round_form.html", {"form": form}, status=status)


def _own_participant(round_: Round, user) -> Participant | None:
    return Participant.objects.filter(round=round_, user=user).first()


def _round_page(request, round_: Round, *, invite_form=None, status=200) -> HttpResponse:
    is_coordinator = round_.user_is_coordinator(request.user)
    rows = participant_progress(round_)
    own = next((row for row in rows if row[0].user_id == request.user.pk), None)
    return render(
        request,
        "selfcheck/round_detail.html",
        {
            "round": round_,
            "is_coordinator": is_coordinator,
            "rows": rows if is_coordinator else [],
            "joined_count": sum(1 for participant, _p in rows if participant.has_joined),
            "own": own,
            "own_sections": [
                (section, own[1].section_percent(section.pk))
                for section in round_.questionnaire.sections.order_by("order", "pk")
            ]
            if own
            else [],
            "invite_form": invite_form or InviteForm(),
        },
        status=status,
    )


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _round_page(request, visible_round(request, pk))


@login_required
@require_POST
def round_invite(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.participant_invite(
                round_=round_, by=request.user, email=form.cleaned_data["email"]
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("Die Einladung an %(email)s ist unterwegs.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect(round_)
    return _round_page(request, round_, invite_form=form, status=400)


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    try:
        sent = services.round_remind(round_=round_, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(round_)
    if sent:
        messages.success(request, _("%(n)d Erinnerung(en) verschickt.") % {"n": sent})
    else:
        messages.info(
            request,
            _("Niemand zu erinnern: Alle sind fertig oder wurden heute schon erinnert."),
        )
    return redirect(round_)


@login_required
@require_http_methods(["GET", "POST"])
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    if not round_.user_is_coordinator(request.user):
        raise PermissionDenied(_("Das darf nur die Koordination der Kommune."))
    if request.method == "POST":
        try:
            services.round_close(round_=round_, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(round_)
        messages.success(request, _("Die Runde ist abgeschlossen. Hier ist die Auswertung."))
        return redirect("selfcheck:evaluation", pk=round_.pk)
    rows = participant_progress(round_)
    return render(request, "selfcheck/round_close.html", {"round": round_, "rows": rows})


def _participant_or_403(round_: Round, user) -> Participant:
    participant = _own_participant(round_, user)
    if participant is None:
        raise PermissionDenied(
            _("Sie nehmen an dieser Runde nicht teil. Die Koordination kann Sie einladen.")
        )
    return participant


@login_required
def answer_start(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = visible_round(request, pk)
    _participant_or_403(round_, request.user)
    section = round_.questionnaire.sections.order_by("order", "pk").first()
    if section is None:
        raise Http404
    return redirect("selfcheck:answer-section", pk=round_.pk, section=section.slug)


def _section_page(
    request, round_: Round, participant: Participant, section: Section, *, errors=None, status=200
):
    sections = list(round_.questionnaire.sections.order_by("order", "pk"))
    all_indicators = questionnaire_indicators(round_.questionnaire_id)
    answer_rows = {
        answer.indicator_id: answer
        for answer in Answer.objects.filter(participant=participant).only(
            "indicator_id", "value", "comment"
        )
    }
    values = {indicator_id: answer.value for indicator_id, answer in answer_rows.items()}
    progress = progress_of(all_indicators, values)
    applicable_ids = {i.pk for i in all_indicators if i.applies_to(values)}
    indicators = [
        indicator
        for indicator in section.indicators.order_by("order", "pk")
        if indicator.pk in applicable_ids
    ]
    items = [
        {
            "indicator": indicator,
            "answer": answer_rows.get(indicator.pk),
            "error": (errors or {}).get(indicator.pk),
        }
        for indicator in indicators
    ]
    position = next(i for i, s in enumerate(sections) if s.pk == section.pk)
    return render(
        request,
        "selfcheck/answer_section.html",
        {
            "round": round_,
            "participant": participant,
            "section": section,
            "sections": [
                {"section": s, "percent": progress.section_percent(s.pk)} for s in sections
            ],
            "items": items,
            "scale": [(choice.value, choice.label) for choice in SCALE_ORDER],
            "progress": progress,
            "previous_section": sections[position - 1] if position > 0 else None,
            "next_section": sections[position + 1] if position + 1 < len(sections) else None,
            "read_only": not round_.is_open,
            "has_errors": bool(errors),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def answer_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    """One Handlungsfeld per page; without JavaScript the whole page is saved at once."""
    round_ = visible_round(request, pk)
    participant = _participant_or_403(round_, request.user)
    section_obj = get_object_or_404(Section, questionnaire=round_.questionnaire, slug=section)
    if request.method == "GET":
        return _section_page(request, round_, participant, section_obj)
    if not round_.is_open:
        messages.error(request, _("Diese Runde ist abgeschlossen; Antworten sind nur zu lesen."))
        return _section_page(request, round_, participant, section_obj, status=409)
    parsed, errors = {}, {}
    for indicator in section_obj.indicators.all():
        raw_value = request.POST.get(f"i{indicator.pk}")
        comment = request.POST.get(f"c{indicator.pk}", "")
        if raw_value is None and f"c{indicator.pk}" not in request.POST:
            continue
        try:
            value = parse_value(raw_value)
        except ValueError:
            errors[indicator.pk] = _("Bitte wählen Sie eine Antwort auf der Skala.")
            continue
        if len(comment) > services.COMMENT_MAX_LENGTH:
            errors[indicator.pk] = _("Der Kommentar ist zu lang (höchstens 2000 Zeichen).")
            continue
        parsed[indicator] = (value, comment)
    if errors:
        messages.error(request, _("Nichts gespeichert: Bitte prüfen Sie die markierten Angaben."))
        return _section_page(request, round_, participant, section_obj, errors=errors, status=400)
    try:
        with transaction.atomic():
            for indicator, (value, comment) in parsed.items():
                services.answer_save(
                    participant=participant, indicator=indicator, value=value, comment=comment
                )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return _section_page(request, round_, participant, section_obj, status=409)
    messages.success(request, _("Ihre Antworten sind gespeichert."))
    target = request.POST.get("weiter")
    if target and Section.objects.filter(questionnaire=round_.questionnaire, slug=target).exists():
        return redirect("selfcheck:answer-section", pk=round_.pk, section=target)
    return redirect("selfcheck:answer-section", pk=round_.pk, section=section_obj.slug)


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int, section: str, indicator: int) -> HttpResponse:
    """One answer, saved as it is given (htmx); answers the status line and the progress."""
    round_ = visible_round(request, pk)
    participant = _participant_or_403(round_, request.user)
    indicator_obj = Indicator.objects.filter(pk=indicator).select_related("section").first()
    if indicator_obj is None:
        raise Http404
    try:
        value = parse_value(request.POST.get(f"i{indicator}"))
        answer = services.answer_save(
            participant=participant,
            indicator=indicator_obj,
            value=value,
            comment=request.POST.get(f"c{indicator}", ""),
        )
    except ValueError:
        return _save_status(request, round_, indicator_obj, None, error=_("Keine gültige Antwort."))
    except ValidationError as error:
        status = 409 if error.code == "closed" else 400
        return _save_status(
            request, round_, indicator_obj, None, error=error.messages[0], status=status
        )
    if not request.htmx:
        section_url = reverse(
            "selfcheck:answer-section",
            kwargs={"pk": round_.pk, "section": indicator_obj.section.slug},
        )
        return redirect(f"{section_url}#i{indicator}")
    response = _save_status(request, round_, indicator_obj, answer, participant=participant)
    if indicator_obj.dependents.exists():
        response["HX-Refresh"] = "true"  # conditional indicators may appear or disappear
    return response


def _save_status(request, round_, indicator, answer, *, error="", participant=None, status=None):
    status = status or (400 if error else 200)
    if not request.htmx:
        return render(
            request,
            "selfcheck/answer_error.html",
            {"round": round_, "message": error},
            status=status,
        )
    progress = None
    if participant is not None:
        indicators = questionnaire_indicators(round_.questionnaire_id)
        values = dict(
            Answer.objects.filter(participant=participant).values_list("indicator_id", "value")
        )
        progress = progress_of(indicators, values)
    response = render(
        request,
        "selfcheck/includes/_save_status.html",
        {
            "indicator": indicator,
            "answer": answer,
            "error": error,
            "progress": progress,
            "round": round_,
        },
        status=status,
    )
    if error:
        # htmx leaves 4xx responses out unless told: the person must see why nothing was saved.
        response["HX-Retarget"] = f"#status-{indicator.pk}"
        response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    participant = (
        Participant.objects.select_related("round__municipality", "round__questionnaire")
        .filter(token=token)
        .first()
        if "\x00" not in token  # PostgreSQL refuses a NUL in a query: an unknown link
        else None
    )
    if participant is None:
        return render(
            request,
            "selfcheck/invitation_invalid.html",
            {"message": _("Diese Einladung gibt es nicht (mehr). Bitte fragen Sie nach.")},
            status=404,
        )
    if participant.user_id == request.user.pk:
        return redirect("selfcheck:answer-start", pk=participant.round_id)
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.invitation_accept(
                    token=token, user=request.user, department=form.cleaned_data["department"]
                )
            except ValidationError as error:
                return render(
                    request,
                    "selfcheck/invitation_invalid.html",
                    {"message": error.messages[0]},
                    status=410 if error.code in {"used", "closed"} else 409,
                )
            messages.success(request, _("Willkommen in der Runde! Sie können gleich beginnen."))
            return redirect("selfcheck:answer-start", pk=participant.round_id)
        status = 400
    elif participant.user_id is not None or not participant.round.is_open:
        message = (
            _("Diese Einladung wurde schon von einer anderen Person angenommen.")
            if participant.user_id
            else _("Diese Runde ist abgeschlossen und kann nicht mehr geändert werden.")
        )
        return render(
            request, "selfcheck/invitation_invalid.html", {"message": message}, status=410
        )
    return render(
        request,
        "selfcheck/invitation.html",
        {"participant": participant, "round": participant.round, "form": form},
        status=status,
    )
