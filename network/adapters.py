from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from k360.mail import email_send_rendered


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        """allauth's own forms (adding an address, signup) leave the length to the database."""
        email = super().clean_email(email)
        if len(email) > app_settings.EMAIL_MAX_LENGTH:
            raise ValidationError(
                _("Die E-Mail-Adresse ist zu lang (höchstens %(max)d Zeichen).")
                % {"max": app_settings.EMAIL_MAX_LENGTH},
                code="too_long",
            )
        return email

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Route allauth's emails through the platform's outbox and Celery."""
        # Without django.contrib.sites allauth would greet from the request's host name.
        context = {
            **context,
            "current_site": SimpleNamespace(
                name="Kommune 360°", domain=urlsplit(settings.SITE_URL).netloc
            ),
        }
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html = content
        email_send_rendered(
            template=template_prefix,
            to=message.to,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            from_email=message.from_email,
        )
