from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = _("Aktuelles")

    def ready(self) -> None:
        from forums.discussion import register_comment_target
        from k360.home import register_home_items
        from network.privacy import register_exporter

        from . import search, services
        from .models import Post

        register_comment_target("blog.post")
        register_exporter("aktuelles", services.member_export)
        register_home_items("posts", lambda request: Post.objects.published().latest_first()[:3])
        search.register()
