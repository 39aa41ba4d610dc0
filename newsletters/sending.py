"""Sending a newsletter exactly once per address.

At send start one Delivery row per unique address is written, in one transaction. Batch tasks
claim up to BATCH_SIZE queued rows with SELECT … FOR UPDATE SKIP LOCKED (so two workers never
hold the same row), send them over one SMTP connection and mark each row sent the moment the
server accepted it. A worker that dies leaves its claimed rows in "sending": the watchdog puts
them back after STALE_AFTER, and dispatches new batches when queued rows make no progress (lost
broker messages). The only message that can go out twice is the one in flight at the kill.
"""

import contextlib
import logging
import math
import re
import smtplib
import textwrap
import time
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid, parseaddr
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, transaction
from django.db import connection as db_connection
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from forums.markdown import render_editorial_markdown
from k360.broker import enqueue

from .models import Delivery, Newsletter, Subscriber, normalise_email
from .tokens import one_click_url, unsubscribe_token, unsubscribe_url

logger = logging.getLogger(__name__)

BATCH_SIZE = settings.NEWSLETTER_BATCH_SIZE
STALE_AFTER = timedelta(seconds=settings.NEWSLETTER_STALE_SECONDS)
MAX_ATTEMPTS = 5
HARD_BOUNCES_TO_DEACTIVATE = 3
UNSUBSCRIBE_PLACEHOLDER = "%%ABMELDELINK%%"

State = Delivery.State


class TemporaryFailure(Exception):
    """The SMTP server is away or asked to come back later: the batch task retries."""


# --- Audience ------------------------------------------------------------------------------


def audience(newsletter: Newsletter) -> list[tuple[str, str, int | None]]:
    """(address, name, subscriber id) of every recipient, each address once, none that
    unsubscribed or bounced."""
    suppressed = set(
        Subscriber.objects.filter(
            status__in=[Subscriber.Status.UNSUBSCRIBED, Subscriber.Status.INACTIVE]
        ).values_list("email", flat=True)
    )
    Audience = Newsletter.Audience
    if newsletter.audience == Audience.SUBSCRIBERS:
        subscribers = Subscriber.objects.confirmed()
        topic_ids = list(newsletter.topics.values_list("pk", flat=True))
        if topic_ids:
            subscribers = subscribers.filter(topics__in=topic_ids).distinct()
        rows = subscribers.order_by("pk").values_list("email", "name", "pk")
    elif newsletter.audience in {Audience.MEMBERS, Audience.PARTNER_MEMBERS}:
        members = get_user_model().objects.filter(is_active=True).exclude(email="")
        if newsletter.audience == Audience.PARTNER_MEMBERS:
            members = members.filter(municipality__is_partner=True)
        rows = (
            (email, name, None)
            for email, name in members.order_by("pk").values_list("email", "name")
        )
    else:
        from events.models import Registration

        registrations = Registration.objects.filter(
            event_id=newsletter.event_id, status=Registration.Status.CONFIRMED
        )
        rows = (
            (email, name, None)
            for email, name in registrations.order_by("pk").values_list("email", "name")
        )
    seen: dict[str, tuple[str, str, int | None]] = {}
    for email, name, subscriber_id in rows:
        address = normalise_email(email)
        if address and address not in suppressed and address not in seen:
            seen[address] = (address, name, subscriber_id)
    return list(seen.values())


# --- Rendering -----------------------------------------------------------------------------

# Mail clients ignore style sheets: every element carries its own style.
INLINE_STYLES = {
    "p": "margin:0 0 16px;font-size:16px;line-height:1.5;",
    "h2": "margin:24px 0 12px;font-size:22px;line-height:1.3;color:#003a57;",
    "h3": "margin:20px 0 8px;font-size:18px;line-height:1.3;color:#003a57;",
    "h4": "margin:16px 0 8px;font-size:16px;color:#003a57;",
    "ul": "margin:0 0 16px;padding-left:24px;",
    "ol": "margin:0 0 16px;padding-left:24px;",
    "li": "margin:0 0 6px;line-height:1.5;",
    "blockquote": "margin:0 0 16px;padding-left:12px;border-left:4px solid #dde3e8;color:#4a4f60;",
    "a": "color:#00527a;",
}


def inline_styles(html: str) -> str:
    return re.sub(
        r"<(p|h2|h3|h4|ul|ol|li|blockquote|a)([ >])",
        lambda match: f'<{match.group(1)} style="{INLINE_STYLES[match.group(1)]}"{match.group(2)}',
        html,
    )


@dataclass
class Rendered:
    subject: str
    html: str
    text: str


def render_newsletter(newsletter: Newsletter, *, unsubscribe: str = UNSUBSCRIBE_PLACEHOLDER):
    """The issue once, with a placeholder where each recipient's own link goes."""
    context = {
        "newsletter": newsletter,
        "body_html": inline_styles(render_editorial_markdown(newsletter.body)),
        "unsubscribe_url": unsubscribe,
        "site_url": settings.SITE_URL,
    }
    return Rendered(
        subject=newsletter.subject,
        html=_wrap_long_lines(render_to_string("email/newsletters/newsletter.html", context), 800),
        text=_wrap_long_lines(render_to_string("email/newsletters/newsletter.txt", context), 78),
    )


def _wrap_long_lines(content: str, width: int) -> str:
    """Break lines longer than `width` at spaces. Mail allows 998 characters per line; with
    shorter lines a part goes out as 8bit instead of quoted-printable, readable as it is and
    with each recipient's link in one piece (see PreparedMessage). In HTML a line break is
    just a space."""
    return "\n".join(
        textwrap.fill(line, width, break_long_words=False, break_on_hyphens=False)
        if len(line) > width
        else line
        for line in content.split("\n")
    )


def build_message(
    newsletter: Newsletter, rendered: Rendered, email: str, connection=None
) -> EmailMultiAlternatives:
    link = settings.SITE_URL + unsubscribe_url(email)
    domain = urlsplit(settings.SITE_URL).hostname or "kommune360.de"
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text.replace(UNSUBSCRIBE_PLACEHOLDER, link),
        from_email=newsletter.from_email,
        to=[email],
        connection=connection,
        headers={
            "Message-ID": make_msgid(f"nl{newsletter.pk}", domain=domain),
            # RFC 8058: mail clients unsubscribe with one POST, no login, no form.
            "List-Unsubscribe": f"<{settings.SITE_URL}{one_click_url(email)}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Kommune 360° Newsletter <newsletter.{domain}>",
            "Precedence": "bulk",
        },
    )
    message.attach_alternative(rendered.html.replace(UNSUBSCRIBE_PLACEHOLDER, link), "text/html")
    return message


# --- Starting, cancelling ------------------------------------------------------------------


def newsletter_send(*, newsletter: Newsletter) -> int:
    """Write one Delivery per recipient and start the batches; refuses a second start."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.is_editable:
            raise ValidationError(
                _("Dieser Newsletter wurde schon versendet oder abgebrochen (%(status)s).")
                % {"status": newsletter.get_status_display()},
                code="not_draft",
            )
        recipients = audience(newsletter)
        if not recipients:
            raise ValidationError(
                _("Dieser Newsletter hat keine Empfänger:innen. Bitte prüfen Sie die Auswahl."),
                code="empty",
            )
        Delivery.objects.bulk_create(
            (
                Delivery(newsletter=newsletter, email=email, name=name, subscriber_id=subscriber)
                for email, name, subscriber in recipients
            ),
            batch_size=2000,
            ignore_conflicts=True,
        )
        newsletter.status = Newsletter.Status.SENDING
        newsletter.started_at = timezone.now()
        newsletter.save(update_fields=["status", "started_at", "updated_at"])
        newsletter_id = newsletter.pk
        transaction.on_commit(lambda: dispatch(newsletter_id))
    return len(recipients)


def newsletter_schedule(*, newsletter: Newsletter, at) -> Newsletter:
    """Start the send at a time (the watchdog starts it); the same checks as sending now."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if not newsletter.is_editable:
            raise ValidationError(
                _("Dieser Newsletter wurde schon versendet oder abgebrochen."), code="not_draft"
            )
        if at <= timezone.now():
            raise ValidationError(
                _("Der geplante Zeitpunkt liegt in der Vergangenheit."), code="past"
            )
        if not audience(newsletter):
            raise ValidationError(
                _("Dieser Newsletter hat keine Empfänger:innen. Bitte prüfen Sie die Auswahl."),
                code="empty",
            )
        newsletter.status = Newsletter.Status.SCHEDULED
        newsletter.scheduled_at = at
        newsletter.save(update_fields=["status", "scheduled_at", "updated_at"])
    return newsletter


def newsletter_cancel(*, newsletter: Newsletter) -> int:
    """Stop what is not sent yet; rows a worker is sending right now finish."""
    with transaction.atomic():
        newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
        if newsletter.status not in {
            Newsletter.Status.SCHEDULED,
            Newsletter.Status.SENDING,
            Newsletter.Status.DRAFT,
        }:
            raise ValidationError(_("Dieser Newsletter ist schon fertig."))
        cancelled = Delivery.objects.filter(newsletter=newsletter, state=State.QUEUED).update(
            state=State.CANCELLED
        )
        newsletter.status = Newsletter.Status.CANCELLED
        newsletter.finished_at = timezone.now()
        newsletter.save(update_fields=["status", "finished_at", "updated_at"])
    return cancelled


def newsletter_test_send(*, newsletter: Newsletter, user, email: str) -> None:
    """A test copy, to one's own address only."""
    if normalise_email(email) != normalise_email(user.email):
        raise ValidationError(
            _("Eine Testmail geht nur an Ihre eigene Adresse (%(email)s).") % {"email": user.email}
        )
    rendered = render_newsletter(newsletter)
    message = build_message(newsletter, rendered, user.email)
    message.subject = f"[Test] {message.subject}"
    message.send()


def dispatch(newsletter_id: int) -> int:
    """Enqueue enough batch tasks for the queued rows; a lost enqueue is the watchdog's job."""
    from .tasks import send_newsletter_batch

    queued = Delivery.objects.filter(newsletter_id=newsletter_id, state=State.QUEUED).count()
    batches = math.ceil(queued / BATCH_SIZE)
    try:
        for _batch in range(batches):
            if not enqueue(send_newsletter_batch, newsletter_id):
                logger.warning(
                    "Newsletter %s: Broker nicht erreichbar, der Wächter übernimmt.", newsletter_id
                )
                break
    except Exception:  # run eagerly (no broker) and failed: the watchdog takes over all the same
        logger.warning("Newsletter %s: Versand unterbrochen, der Wächter übernimmt.", newsletter_id)
    return batches


# --- Batches -------------------------------------------------------------------------------


def claim(newsletter_id: int, size: int = BATCH_SIZE) -> list[Delivery]:
    """Take up to `size` queued rows for this worker; rows another worker holds are skipped."""
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(newsletter_id=newsletter_id, state=State.QUEUED)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        Delivery.objects.filter(pk__in=ids).update(
            state=State.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    return list(Delivery.objects.filter(pk__in=ids).order_by("pk"))


class RateLimiter:
    """Messages per minute across all workers: a counter per minute in the shared cache, from
    which each batch takes allowances in chunks (one round trip per chunk, not per message)."""

    CHUNK = 50

    def __init__(self, per_minute: int):
        self.per_minute = per_minute
        self.minute = None
        self.allowance = 0

    def wait(self) -> None:
        while self.per_minute:
            minute = int(time.time() // 60)
            if minute != self.minute:
                self.minute, self.allowance = minute, 0
            if self.allowance > 0:
                self.allowance -= 1
                return
            chunk = min(self.CHUNK, self.per_minute)
            key = f"newsletter-rate:{minute}"
            try:
                cache.add(key, 0, timeout=120)
                total = cache.incr(key, chunk)
            except ValueError:  # the key expired between add and incr
                continue
            except Exception:  # the cache (Redis) is away: send on rather than stall
                logger.warning("Newsletter-Ratenlimit ausgesetzt: Cache nicht erreichbar")
                return
            granted = min(chunk, self.per_minute - (total - chunk))
            if granted > 0:
                self.allowance = granted - 1
                return
            time.sleep(max(0.05, 60 - time.time() % 60))


def _mark_sent(delivery: Delivery, message_id: str) -> None:
    # The hot path of a send: one plain UPDATE, committed on its own (autocommit).
    with db_connection.cursor() as cursor:
        cursor.execute(
            "UPDATE newsletters_delivery SET state = %s, sent_at = %s, message_id = %s, "
            "last_error = '' WHERE id = %s",
            [State.SENT, timezone.now(), message_id[:200], delivery.pk],
        )


class SentMarks:
    """Marks rows sent. On PostgreSQL each UPDATE goes to the server the moment the mail
    server accepted the message, but its answer is read only before the next database use:
    the round trip overlaps the next SMTP conversation. A worker killed after the UPDATE left
    it is still marked, because the server runs a query it has received."""

    SQL = (
        b"UPDATE newsletters_delivery SET state = 'sent', sent_at = now(), message_id = $1,"
        b" last_error = '' WHERE id = $2"
    )

    def __init__(self):
        self.pgconn = None
        self.pending = False
        if db_connection.vendor == "postgresql" and not db_connection.in_atomic_block:
            db_connection.ensure_connection()
            self.pgconn = db_connection.connection.pgconn

    def mark(self, delivery: Delivery, message_id: str) -> None:
        self.wait()
        if self.pgconn is None:
            _mark_sent(delivery, message_id)
            return
        self.pgconn.send_query_params(
            self.SQL, [message_id[:200].encode(), str(delivery.pk).encode()]
        )
        self.pending = True

    def wait(self) -> None:
        """Read the answer of the UPDATE in flight; call before any other database use."""
        if not self.pending:
            return
        from psycopg import pq

        self.pending = False
        error = None
        while (result := self.pgconn.get_result()) is not None:
            if result.status != pq.ExecStatus.COMMAND_OK:
                error = (result.error_message or b"").decode("utf-8", "replace")
        if error:
            raise DatabaseError(error)


PLACEHOLDER_TO = "empfaenger@platzhalter.invalid"
PLACEHOLDER_MESSAGE_ID = "<platzhalter-message-id@platzhalter.invalid>"


class PreparedMessage:
    """The issue serialised once per batch; per recipient only the address, the Message-ID and
    the personal token are put in. Where that would not be byte-exact (a non-ASCII address, a
    part encoded so that the token could be split), the message is built in full instead."""

    def __init__(self, newsletter: Newsletter, rendered: Rendered):
        self.newsletter = newsletter
        self.rendered = rendered
        self.domain = urlsplit(settings.SITE_URL).hostname or "kommune360.de"
        self.token = unsubscribe_token(PLACEHOLDER_TO)
        message = build_message(newsletter, rendered, PLACEHOLDER_TO)
        message.extra_headers["Message-ID"] = PLACEHOLDER_MESSAGE_ID
        self.envelope_from = parseaddr(message.from_email)[1]
        self.data = message.message().as_bytes(linesep="\r\n")
        # Text part, HTML part and the List-Unsubscribe header each carry the token once.
        expected = (
            message.body.count(self.token)
            + message.alternatives[0][0].count(self.token)
            + message.extra_headers["List-Unsubscribe"].count(self.token)
        )
        self.exact = self.data.count(self.token.encode()) == expected and (
            self.data.count(PLACEHOLDER_TO.encode()) == 1
        )

    def render(self, email: str) -> tuple[str, bytes]:
        """(Message-ID, the message as bytes) for one recipient."""
        message_id = make_msgid(f"nl{self.newsletter.pk}", domain=self.domain)
        if not (self.exact and email.isascii()):
            message = build_message(self.newsletter, self.rendered, email)
            message.extra_headers["Message-ID"] = message_id
            return message_id, message.message().as_bytes(linesep="\r\n")
        data = (
            self.data.replace(self.token.encode(), unsubscribe_token(email).encode())
            .replace(PLACEHOLDER_TO.encode(), email.encode())
            .replace(PLACEHOLDER_MESSAGE_ID.encode(), message_id.encode())
        )
        return message_id, data


def _smtp_transaction(smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes) -> None:
    """smtplib's sendmail for one plain ASCII recipient, without its per-call address parsing
    and size option; raises the same exceptions for the same answers."""
    if smtp.helo_resp is None and smtp.ehlo_resp is None:
        smtp.ehlo_or_helo_if_needed()
    smtp.putcmd("mail", f"FROM:<{sender}>")
    code, answer = smtp.getreply()
    if code != 250:
        _abort(smtp, code)
        raise smtplib.SMTPSenderRefused(code, answer, sender)
    smtp.putcmd("rcpt", f"TO:<{recipient}>")
    code, answer = smtp.getreply()
    if code not in (250, 251):
        _abort(smtp, code)
        raise smtplib.SMTPRecipientsRefused({recipient: (code, answer)})
    try:
        code, answer = smtp.data(data)
    except smtplib.SMTPDataError as exc:  # DATA itself refused (no 354)
        _abort(smtp, exc.smtp_code)
        raise
    if code != 250:
        _abort(smtp, code)
        raise smtplib.SMTPDataError(code, answer)


def _abort(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal: 421 means the server is closing; otherwise reset the transaction."""
    if code == 421:
        smtp.close()
    else:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            smtp.rset()


def _deliver(connection, prepared: PreparedMessage, email: str) -> str:
    """Hand one message to the mail server; its Message-ID when the server accepted it."""
    smtp = getattr(connection, "connection", None)
    if isinstance(smtp, smtplib.SMTP):
        message_id, data = prepared.render(email)
        if prepared.exact and email.isascii() and "<" not in email and ">" not in email:
            _smtp_transaction(smtp, prepared.envelope_from, email, data)
        else:
            smtp.sendmail(prepared.envelope_from, [email], data)
        return message_id
    # Another backend (a provider through django-anymail, the test outbox): the full message.
    message = build_message(prepared.newsletter, prepared.rendered, email, connection)
    message.send()
    return message.extra_headers["Message-ID"]


def _mark_failed(delivery: Delivery, answer: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(state=State.FAILED, last_error=answer[:2000])
    if delivery.subscriber_id:
        with transaction.atomic():
            Subscriber.objects.filter(pk=delivery.subscriber_id).update(
                hard_bounces=F("hard_bounces") + 1
            )
            Subscriber.objects.filter(
                pk=delivery.subscriber_id,
                hard_bounces__gte=HARD_BOUNCES_TO_DEACTIVATE,
                status=Subscriber.Status.CONFIRMED,
            ).update(status=Subscriber.Status.INACTIVE)


def _release(deliveries: list[Delivery], answer: str = "") -> None:
    """Back in the queue (a temporary failure); after MAX_ATTEMPTS a row fails for good;
    rows of a cancelled newsletter are cancelled."""
    ids = [delivery.pk for delivery in deliveries]
    Delivery.objects.filter(
        pk__in=ids, state=State.SENDING, newsletter__status=Newsletter.Status.CANCELLED
    ).update(state=State.CANCELLED, claimed_at=None)
    Delivery.objects.filter(pk__in=ids, attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED, last_error=(answer or _("zu viele Versuche"))[:2000]
    )
    Delivery.objects.filter(pk__in=ids, state=State.SENDING).update(
        state=State.QUEUED, claimed_at=None, last_error=answer[:2000]
    )


def _answer(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return f"{code} {text}".strip()


def _renew(held: set[int], token):
    """Renew this batch's claim on the rows it still holds, so the watchdog never takes back
    rows of a live batch. Rows it took back while this batch stalled belong to another batch
    now: they drop out of `held`."""
    now = timezone.now()
    renewed = Delivery.objects.filter(pk__in=held, state=State.SENDING, claimed_at=token).update(
        claimed_at=now
    )
    if renewed != len(held):
        held = set(
            Delivery.objects.filter(pk__in=held, state=State.SENDING, claimed_at=now).values_list(
                "pk", flat=True
            )
        )
    return held, now


def send_batch(newsletter_id: int) -> dict[str, int]:
    """Claim a batch and send it over one connection; raises TemporaryFailure to be retried."""
    newsletter = Newsletter.objects.filter(pk=newsletter_id).first()
    counts = {"sent": 0, "failed": 0, "later": 0}
    if newsletter is None or newsletter.status != Newsletter.Status.SENDING:
        return counts
    deliveries = claim(newsletter_id)
    if not deliveries:
        finish_if_done(newsletter_id)
        return counts
    prepared = PreparedMessage(newsletter, render_newsletter(newsletter))
    rate_limit = RateLimiter(settings.NEWSLETTER_RATE_PER_MINUTE)
    connection = get_connection()
    retry_later: list[Delivery] = []
    # A "sent" mark must survive the worker, not a crash of the database server itself: the
    # commit need not wait for the disk (PostgreSQL keeps the order of commits either way).
    _synchronous_commit(False)
    marks = SentMarks()
    held, token = {delivery.pk for delivery in deliveries}, deliveries[0].claimed_at
    renew_every = STALE_AFTER.total_seconds() / 3
    renew_at = time.monotonic() + renew_every
    try:
        try:
            connection.open()
        except (smtplib.SMTPException, OSError) as exc:
            _release(deliveries, str(exc))
            raise TemporaryFailure(str(exc)) from exc
        for position, delivery in enumerate(deliveries):
            if position and position % 50 == 0:
                marks.wait()
                if _cancelled(newsletter_id):
                    _release([d for d in deliveries[position:] if d.pk in held])
                    break
            rate_limit.wait()
            if time.monotonic() >= renew_at:
                marks.wait()
                held, token = _renew(held, token)
                renew_at = time.monotonic() + renew_every
            if delivery.pk not in held:
                continue
            try:
                message_id = _deliver(connection, prepared, delivery.email)
            except smtplib.SMTPRecipientsRefused as exc:
                marks.wait()
                code, text = next(iter(exc.recipients.values()))
                if code >= 500:
                    _mark_failed(delivery, _answer(code, text))
                    held.discard(delivery.pk)
                    counts["failed"] += 1
                else:
                    retry_later.append(delivery)
                    delivery.last_error = _answer(code, text)
            except smtplib.SMTPResponseException as exc:
                marks.wait()
                if exc.smtp_code >= 500:
                    _mark_failed(delivery, _answer(exc.smtp_code, exc.smtp_error))
                    held.discard(delivery.pk)
                    counts["failed"] += 1
                else:
                    retry_later.append(delivery)
                    delivery.last_error = _answer(exc.smtp_code, exc.smtp_error)
            except (smtplib.SMTPException, OSError) as exc:
                # The connection is gone: this row and the rest go back to the queue.
                marks.wait()
                rest = [d for d in retry_later + deliveries[position:] if d.pk in held]
                _release(rest, str(exc))
                raise TemporaryFailure(str(exc)) from exc
            else:
                marks.mark(delivery, message_id)
                held.discard(delivery.pk)
                counts["sent"] += 1
    finally:
        marks.wait()
        with contextlib.suppress(Exception):  # a dead connection has nothing left to close
            connection.close()
        _synchronous_commit(True)
    for delivery in retry_later:
        if delivery.pk in held:
            _release([delivery], delivery.last_error)
    counts["later"] = len(retry_later)
    if retry_later:
        raise TemporaryFailure(retry_later[0].last_error)
    finish_if_done(newsletter_id)
    return counts


def _synchronous_commit(on: bool) -> None:
    if db_connection.vendor == "postgresql":
        with db_connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO " + ("DEFAULT" if on else "OFF"))


def _cancelled(newsletter_id: int) -> bool:
    return Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.CANCELLED).exists()


def finish_if_done(newsletter_id: int) -> bool:
    if Delivery.objects.filter(
        newsletter_id=newsletter_id, state__in=[State.QUEUED, State.SENDING]
    ).exists():
        return False
    return bool(
        Newsletter.objects.filter(pk=newsletter_id, status=Newsletter.Status.SENDING).update(
            status=Newsletter.Status.SENT, finished_at=timezone.now()
        )
    )


def watchdog(now=None) -> dict[str, int]:
    """Every minute: rows a dead worker held go back to the queue; newsletters whose queued
    rows make no progress (broker messages lost) get new batches; scheduled issues start."""
    now = now or timezone.now()
    abandoned = Delivery.objects.filter(state=State.SENDING, claimed_at__lt=now - STALE_AFTER)
    abandoned.filter(newsletter__status=Newsletter.Status.CANCELLED).update(
        state=State.CANCELLED, claimed_at=None
    )
    # A row that took its worker down MAX_ATTEMPTS times is not tried again.
    abandoned.filter(attempts__gte=MAX_ATTEMPTS).update(
        state=State.FAILED,
        claimed_at=None,
        last_error=_("Zustellung abgebrochen: zu viele Versuche"),
    )
    stale = abandoned.update(state=State.QUEUED, claimed_at=None)
    dispatched = 0
    for newsletter_id in Newsletter.objects.filter(status=Newsletter.Status.SENDING).values_list(
        "pk", flat=True
    ):
        recent = Q(claimed_at__gte=now - STALE_AFTER) | Q(sent_at__gte=now - STALE_AFTER)
        if Delivery.objects.filter(newsletter_id=newsletter_id).filter(recent).exists():
            continue
        if finish_if_done(newsletter_id):
            continue
        dispatched += dispatch(newsletter_id)
    started = 0
    for newsletter in Newsletter.objects.filter(
        status=Newsletter.Status.SCHEDULED, scheduled_at__lte=now
    ):
        try:
            newsletter_send(newsletter=newsletter)
            started += 1
        except ValidationError as error:
            logger.warning("Geplanter Newsletter %s startet nicht: %s", newsletter.pk, error)
    return {"requeued": stale, "dispatched": dispatched, "started": started}


def progress(newsletter: Newsletter) -> dict:
    """Sent, failed, total, rate per minute and expected end, for the admin's progress bar."""
    counts = dict(
        Delivery.objects.filter(newsletter=newsletter)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    total = sum(counts.values())
    sent = counts.get(State.SENT, 0)
    failed = counts.get(State.FAILED, 0)
    done = sent + failed + counts.get(State.CANCELLED, 0)
    rate = eta = None
    if newsletter.started_at and sent:
        end = newsletter.finished_at or timezone.now()
        minutes = max((end - newsletter.started_at).total_seconds() / 60, 1 / 60)
        rate = sent / minutes
        if newsletter.status == Newsletter.Status.SENDING and rate:
            eta = timezone.now() + timedelta(minutes=(total - done) / rate)
    return {
        "total": total,
        "sent": sent,
        "failed": failed,
        "cancelled": counts.get(State.CANCELLED, 0),
        "waiting": total - done,
        "percent": round(100 * done / total) if total else 0,
        "rate": rate,
        "eta": eta,
    }
