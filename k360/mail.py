"""The one way the platform sends a transactional email: German templates, a task, after commit."""

import base64
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

Attachment = tuple[str, bytes | str, str]


def render_email(template: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """Render email/<template>.subject.txt, .txt and (if present) .html in German."""
    ctx = {"site_url": settings.SITE_URL, "contact_email": settings.K360_CONTACT_EMAIL, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"email/{template}.subject.txt", ctx)
        text = render_to_string(f"email/{template}.txt", ctx)
        try:
            html = render_to_string(f"email/{template}.html", ctx)
        except TemplateDoesNotExist:  # the HTML part is optional
            html = ""
    return " ".join(subject.split()), text, html


def email_send(
    *,
    template: str,
    to: Iterable[str],
    context: Mapping[str, Any] | None = None,
    reply_to: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
    attachments: Iterable[Attachment] = (),
    from_email: str | None = None,
) -> OutgoingEmail:
    """Store a rendered email and send it through Celery once the current transaction commits."""
    subject, text, html = render_email(template, context or {})
    return email_send_rendered(
        template=template,
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        reply_to=reply_to,
        headers=headers,
        attachments=attachments,
        from_email=from_email,
    )


def email_send_rendered(
    *,
    template: str,
    to: Iterable[str],
    subject: str,
    body_text: str,
    body_html: str = "",
    reply_to: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
    attachments: Iterable[Attachment] = (),
    from_email: str | None = None,
) -> OutgoingEmail:
    """Like email_send, for a message already rendered (allauth renders its own)."""
    outgoing = OutgoingEmail.objects.create(
        template=template,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=list(to),
        reply_to=list(reply_to),
        subject=subject[:300],
        body_text=body_text,
        body_html=body_html,
        headers=dict(headers or {}),
        attachments=[
            {
                "filename": name,
                "content": base64.b64encode(
                    content.encode() if isinstance(content, str) else content
                ).decode(),
                "mimetype": mimetype,
            }
            for name, content, mimetype in attachments
        ],
    )
    transaction.on_commit(lambda: enqueue_outgoing_email(outgoing.pk))
    return outgoing


def enqueue_outgoing_email(pk: int) -> None:
    """Hand the email to the broker; if that fails the periodic re-queue picks it up later."""
    from .broker import enqueue
    from .tasks import send_outgoing_email

    try:
        if not enqueue(send_outgoing_email, pk):
            logger.warning("E-Mail %s bleibt in der Warteschlange: Broker nicht erreichbar", pk)
    except Exception:  # sent eagerly (no broker) and failed: it stays queued all the same
        logger.warning("E-Mail %s bleibt in der Warteschlange", pk, exc_info=True)


def build_message(outgoing: OutgoingEmail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=outgoing.subject,
        body=outgoing.body_text,
        from_email=outgoing.from_email,
        to=outgoing.to,
        reply_to=outgoing.reply_to or None,
        headers=outgoing.headers or None,
        connection=connection,
    )
    if outgoing.body_html:
        message.attach_alternative(outgoing.body_html, "text/html")
    for attachment in outgoing.attachments:
        message.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return message


def outgoing_email_deliver(*, pk: int) -> bool:
    """Send one stored email unless it went out already; True when it was sent now."""
    with transaction.atomic():
        outgoing = (
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, state=OutgoingEmail.State.QUEUED)
            .first()
        )
        if outgoing is None:
            return False
        outgoing.attempts += 1
        try:
            build_message(outgoing).send()
        except Exception as exc:
            OutgoingEmail.objects.filter(pk=pk).update(
                attempts=outgoing.attempts, last_error=str(exc)[:2000]
            )
            raise
        outgoing.state = OutgoingEmail.State.SENT
        outgoing.sent_at = timezone.now()
        outgoing.last_error = ""
        outgoing.save(update_fields=["state", "sent_at", "attempts", "last_error"])
    return True
