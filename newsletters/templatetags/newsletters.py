from django import template

from ..models import Subscriber, normalise_email

register = template.Library()


@register.simple_tag
def newsletter_subscription(user) -> Subscriber | None:
    """The member's subscription (by address, however it came about), or None; one query."""
    if not getattr(user, "is_authenticated", False) or not user.email:
        return None
    return Subscriber.objects.filter(email=normalise_email(user.email)).first()
