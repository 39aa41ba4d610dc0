from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class K360Config(AppConfig):
    name = "k360"
    verbose_name = _("Plattform")

    def ready(self) -> None:
        from . import pagecache

        pagecache.watch_database()
