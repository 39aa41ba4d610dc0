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
    path = request.path
    return {
        "site_url": settings.SITE_URL,
        "contact_email": settings.K360_CONTACT_EMAIL,
        "navigation": [
            {"url": url, "label": label, "current": path.startswith(url)}
            for url, label in NAVIGATION
        ],
    }
