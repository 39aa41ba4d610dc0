from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

NAVIGATION = [
    ("/thesen/", _("Thesen")),
    ("/blog/", _("Aktuelles")),
    ("/veranstaltungen/", _("Veranstaltungen")),
    ("/netzwerk/", _("Netzwerk")),
    ("/foren/", _("Foren")),
    ("/selbstcheck/", _("Selbstcheck")),
    ("/suche/", _("Suche")),
]


def site(request: HttpRequest) -> dict:
    from forums.models import is_moderator

    path = request.path
    return {
        # Lazy: evaluated (one query) only when a page for a logged-in member shows the header.
        "is_moderator_user": lambda: is_moderator(request.user),
        "site_url": settings.SITE_URL,
        "contact_email": settings.K360_CONTACT_EMAIL,
        "navigation": [
            {"url": url, "label": label, "current": path.startswith(url)}
            for url, label in NAVIGATION
        ],
    }
