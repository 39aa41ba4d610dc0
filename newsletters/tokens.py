"""Signed links: the confirmation (valid 7 days) and the personal unsubscribe link (forever)."""

from datetime import timedelta

from django.core import signing
from django.urls import reverse

from .models import normalise_email

CONFIRM_SALT = "newsletters.confirm"
UNSUBSCRIBE_SALT = "newsletters.unsubscribe"
CONFIRM_VALID = timedelta(days=7)


def confirm_token(email: str) -> str:
    return signing.dumps(normalise_email(email), salt=CONFIRM_SALT)


def email_from_confirm_token(token: str) -> str:
    """The address; raises signing.SignatureExpired after 7 days, BadSignature if tampered."""
    return signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_VALID)


def unsubscribe_token(email: str) -> str:
    """The same token for an address every time (no timestamp): it never expires."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object(normalise_email(email))


def email_from_unsubscribe_token(token: str) -> str:
    """The address; raises BadSignature if tampered. It never expires."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)


def confirm_url(email: str) -> str:
    return reverse("newsletters:confirm", kwargs={"token": confirm_token(email)})


def unsubscribe_url(email: str) -> str:
    return reverse("newsletters:manage", kwargs={"token": unsubscribe_token(email)})


def one_click_url(email: str) -> str:
    return reverse("newsletters:one-click", kwargs={"token": unsubscribe_token(email)})
