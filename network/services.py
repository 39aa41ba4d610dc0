from django.conf import settings

from k360.mail import email_send

from .models import User


def member_welcome(*, user: User) -> None:
    """Greet a member once their email address is confirmed."""
    email_send(
        template="network/welcome",
        to=[user.email],
        context={"user": user, "contact_email": settings.K360_CONTACT_EMAIL},
    )
