from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Veranstaltungen")

    def ready(self) -> None:
        from forums.discussion import register_comment_target
        from k360.home import register_home_items
        from network.privacy import register_eraser, register_exporter

        from . import search, services
        from .models import Event

        register_comment_target("events.report")
        register_exporter("veranstaltungen", services.member_export)
        register_eraser("veranstaltungen", services.member_erase)
        register_home_items(
            "events",
            lambda request: Event.objects.visible_to(request.user).upcoming().for_list()[:3],
        )
        search.register()
