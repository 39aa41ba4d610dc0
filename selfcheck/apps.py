from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfcheckConfig(AppConfig):
    name = "selfcheck"
    verbose_name = _("Selbstcheck")

    def ready(self) -> None:
        from network.privacy import register_exporter

        from . import services

        register_exporter("selbstcheck", services.member_export)
