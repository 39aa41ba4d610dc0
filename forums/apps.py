from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumsConfig(AppConfig):
    name = "forums"
    verbose_name = _("Diskussion")

    def ready(self) -> None:
        from k360.home import register_home_items
        from network.privacy import register_exporter

        from . import search, services
        from .models import Thesis

        register_exporter("diskussion", services.member_export)
        register_home_items(
            "theses", lambda request: Thesis.objects.published().with_comment_counts()[:4]
        )
        search.register()
