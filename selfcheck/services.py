"""Writes of the Selbstcheck: rounds, invitations, answers, reminders, closing."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from k360.mail import email_send

from .models import Answer, Indicator, Participant, Questionnaire, Round, Scale

REMINDER_INTERVAL = timedelta(hours=24)
COMMENT_MAX_LENGTH = 2000


def _require_coordinator(round_: Round, user) -> None:
    if not round_.user_is_coordinator(user):
        raise PermissionDenied(_("Das darf nur die Koordination der Kommune."))


def _require_open(round_: Round) -> None:
    if not round_.is_open:
        raise ValidationError(
            _("Diese Runde ist abgeschlossen und kann nicht mehr geändert werden."),
            code="closed",
        )


def _copy_previous_answers(participant: Participant) -> int:
    """Prefill a participant's answers from their answers in the previous round (by code)."""
    round_ = participant.round
    if round_.previous_id is None or participant.user_id is None:
        return 0
    earlier = Answer.objects.filter(
        participant__round_id=round_.previous_id, participant__user_id=participant.user_id
    ).values_list("indicator__code", "value", "comment")
    by_code = dict(
        Indicator.objects.filter(questionnaire_id=round_.questionnaire_id).values_list("code", "pk")
    )
    answers = [
        Answer(participant=participant, indicator_id=by_code[code], value=value, comment=comment)
        for code, value, comment in earlier
        if code in by_code
    ]
    Answer.objects.bulk_create(answers, ignore_conflicts=True)
    return len(answers)


def round_start(
    *,
    user,
    questionnaire: Questionnaire,
    title: str,
    department: str,
    prefill: bool = True,
) -> Round:
    """A coordinator starts a round for their municipality and takes part in it."""
    if not (user.is_authenticated and user.is_coordinator and user.municipality_id):
        raise PermissionDenied(
            _("Eine Runde beginnt die Koordination einer Kommune (im Profil hinterlegt).")
        )
    if questionnaire.status != Questionnaire.Status.PUBLISHED:
        raise ValidationError(_("Dieser Fragebogen ist nicht veröffentlicht."))
    with transaction.atomic():
        previous = (
            Round.objects.closed()
            .filter(municipality_id=user.municipality_id, questionnaire__key=questionnaire.key)
            .order_by("-closed_at", "-pk")
            .first()
            if prefill
            else None
        )
        round_ = Round.objects.create(
            municipality_id=user.municipality_id,
            questionnaire=questionnaire,
            title=title.strip(),
            previous=previous,
            created_by=user,
        )
        participant = Participant.objects.create(
            round=round_,
            user=user,
            email=user.email,
            department=department,
            joined_at=timezone.now(),
        )
        _copy_previous_answers(participant)
    return round_


def participant_invite(*, round_: Round, by, email: str) -> Participant:
    """Invite a colleague by email; the link lets them join with their department."""
    _require_coordinator(round_, by)
    _require_open(round_)
    email = email.strip()
    with transaction.atomic():
        if Participant.objects.filter(round=round_, email__iexact=email).exists():
            raise ValidationError(
                _("%(email)s ist bereits eingeladen.") % {"email": email}, code="duplicate"
            )
        participant = Participant.objects.create(round=round_, email=email)
        email_send(
            template="selfcheck/invitation",
            to=[email],
            reply_to=[by.email],
            context={"participant": participant, "round": round_, "inviter": by},
        )
    return participant


def invitation_accept(*, token: str, user, department: str) -> Participant:
    """An invited colleague joins the round with their department (logged in)."""
    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update()
            .select_related("round")
            .filter(token=token)
            .first()
        )
        if participant is None:
            raise ValidationError(_("Diese Einladung gibt es nicht (mehr)."), code="invalid")
        if participant.user_id is not None:
            if participant.user_id == user.pk:
                return participant
            raise ValidationError(
                _("Diese Einladung wurde schon von einer anderen Person angenommen."),
                code="used",
            )
        _require_open(participant.round)
        if Participant.objects.filter(round=participant.round, user=user).exists():
            raise ValidationError(
                _("Sie nehmen an dieser Runde bereits teil."), code="already_participating"
            )
        participant.user = user
        participant.department = department
        participant.joined_at = timezone.now()
        try:
            with transaction.atomic():
                participant.save(update_fields=["user", "department", "joined_at"])
        except IntegrityError as exc:
            raise ValidationError(
                _("Sie nehmen an dieser Runde bereits teil."), code="already_participating"
            ) from exc
        _copy_previous_answers(participant)
    return participant


def answer_save(
    *,
    participant: Participant,
    indicator: Indicator,
    value: int | None,
    comment: str = "",
) -> Answer:
    """Store one answer as it is given; refuses answers off the scale, of another version,
    or to a closed round, storing nothing."""
    if value is not None and value not in Scale.values:
        raise ValidationError(_("Diese Antwort liegt nicht auf der Skala."), code="scale")
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("Der Kommentar ist zu lang (höchstens %(n)d Zeichen).") % {"n": COMMENT_MAX_LENGTH},
            code="comment",
        )
    with transaction.atomic():
        # The round's row serialises answers against its closing.
        round_ = Round.objects.select_for_update().get(pk=participant.round_id)
        _require_open(round_)
        if indicator.questionnaire_id != round_.questionnaire_id:
            raise ValidationError(
                _("Dieser Indikator gehört nicht zum Fragebogen dieser Runde."), code="version"
            )
        answer, _created = Answer.objects.update_or_create(
            participant=participant,
            indicator=indicator,
            defaults={"value": value, "comment": comment.strip()},
        )
    return answer


def round_remind(*, round_: Round, by) -> int:
    """Remind participants who have not finished (at most once a day each)."""
    from .progress import participant_progress

    _require_coordinator(round_, by)
    _require_open(round_)
    now = timezone.now()
    sent = 0
    with transaction.atomic():
        for participant, progress in participant_progress(round_):
            if progress.percent >= 100:
                continue
            if participant.reminded_at and participant.reminded_at > now - REMINDER_INTERVAL:
                continue
            email_send(
                template="selfcheck/reminder",
                to=[participant.email],
                reply_to=[by.email],
                context={
                    "participant": participant,
                    "round": round_,
                    "progress": progress,
                    "sender": by,
                },
            )
            participant.reminded_at = now
            participant.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def round_close(*, round_: Round, by) -> Round:
    """Close the round: read only from now on, its results kept for comparisons."""
    from .evaluation import round_results

    _require_coordinator(round_, by)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        _require_open(round_)
        round_.results = round_results(round_)
        round_.status = Round.Status.CLOSED
        round_.closed_at = timezone.now()
        round_.save(update_fields=["results", "status", "closed_at"])
    return round_


def member_export(user) -> list[dict[str, Any]]:
    return [
        {
            "runde": str(participant.round),
            "fachbereich": participant.get_department_display(),
            "antworten": [
                {
                    "indikator": answer.indicator.code,
                    "antwort": answer.get_value_display() if answer.value is not None else "",
                    "kommentar": answer.comment,
                }
                for answer in participant.answers.all()
            ],
        }
        for participant in Participant.objects.filter(user=user)
        .select_related("round__municipality")
        .prefetch_related("answers__indicator")
    ]


def questionnaire_publish(*, questionnaire: Questionnaire) -> Questionnaire:
    """Publish a draft after checking it is complete; from then on it never changes."""
    from .models import FeedbackRule, check_bands

    if questionnaire.is_frozen:
        raise ValidationError(_("Diese Version ist bereits veröffentlicht."))
    problems = []
    sections = list(questionnaire.sections.prefetch_related("indicators", "feedback_rules"))
    if not sections:
        problems.append(_("Der Fragebogen hat kein Handlungsfeld."))
    for section in sections:
        if not section.indicators.all():
            problems.append(_("„%(s)s“ hat keine Indikatoren.") % {"s": section.title})
        rules: list[FeedbackRule] = list(section.feedback_rules.all())
        gap = check_bands([(rule.min_score, rule.max_score) for rule in rules])
        if gap:
            problems.append(_("„%(s)s“, Rückmeldungen: %(p)s.") % {"s": section.title, "p": gap})
    if problems:
        raise ValidationError(problems)
    questionnaire.status = Questionnaire.Status.PUBLISHED
    questionnaire.published_at = timezone.now()
    questionnaire.save(update_fields=["status", "published_at"])
    return questionnaire


def questionnaire_new_version(*, questionnaire: Questionnaire) -> Questionnaire:
    """A draft copy with the next version number: how a published questionnaire is edited."""
    from .models import FeedbackRule, Section

    with transaction.atomic():
        latest = Questionnaire.objects.filter(key=questionnaire.key).order_by("-version").first()
        copy = Questionnaire.objects.create(
            key=questionnaire.key,
            version=latest.version + 1,
            title=questionnaire.title,
            intro=questionnaire.intro,
        )
        new_ids: dict[int, Indicator] = {}
        pending_conditions: list[tuple[Indicator, int]] = []
        for section in questionnaire.sections.order_by("order", "pk"):
            new_section = Section.objects.create(
                questionnaire=copy,
                order=section.order,
                slug=section.slug,
                title=section.title,
                intro=section.intro,
            )
            for indicator in section.indicators.order_by("order", "pk"):
                new = Indicator.objects.create(
                    section=new_section,
                    order=indicator.order,
                    code=indicator.code,
                    statement=indicator.statement,
                    help_text=indicator.help_text,
                    weight=indicator.weight,
                    condition_values=indicator.condition_values,
                )
                new_ids[indicator.pk] = new
                if indicator.condition_indicator_id:
                    pending_conditions.append((new, indicator.condition_indicator_id))
            FeedbackRule.objects.bulk_create(
                FeedbackRule(
                    section=new_section,
                    min_score=rule.min_score,
                    max_score=rule.max_score,
                    label=rule.label,
                    text=rule.text,
                    recommendations=rule.recommendations,
                )
                for rule in section.feedback_rules.all()
            )
        for new, old_condition_id in pending_conditions:
            new.condition_indicator = new_ids[old_condition_id]
            new.save(update_fields=["condition_indicator"])
    return copy
