from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewslettersConfig(AppConfig):
    name = "newsletters"
    verbose_name = _("Newsletter")

    def ready(self) -> None:
        from network.privacy import register_exporter

        from . import services

        register_exporter("newsletter", services.member_export)
