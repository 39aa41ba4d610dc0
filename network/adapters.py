from allauth.account.adapter import DefaultAccountAdapter

from k360.mail import email_send_rendered


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Route allauth's emails through the platform's outbox and Celery."""
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
