"""/sitemap.xml: every public page of the site, with addresses on SITE_URL."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from blog.models import Post
from events.models import Event, Report
from forums.models import Forum, Thesis, Topic
from network.models import Municipality


class SiteSitemap(Sitemap):
    """Addresses on the configured SITE_URL, whatever host the crawler asked."""

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme or "https"


class StaticSitemap(SiteSitemap):
    changefreq = "weekly"

    def items(self) -> list[str]:
        return [
            "home",
            "forums:thesis-list",
            "blog:post-list",
            "events:event-list",
            "network:index",
            "forums:forum-list",
            "impressum",
            "datenschutz",
            "barrierefreiheit",
        ]

    def location(self, item: str) -> str:
        return reverse(item)


class ThesisSitemap(SiteSitemap):
    def items(self):
        return Thesis.objects.published().only("slug").order_by("number")


class MunicipalitySitemap(SiteSitemap):
    def items(self):
        return Municipality.objects.only("slug").order_by("name", "pk")


class ForumSitemap(SiteSitemap):
    def items(self):
        return Forum.objects.filter(visibility=Forum.Visibility.PUBLIC).only("slug")


class TopicSitemap(SiteSitemap):
    def items(self):
        return (
            Topic.objects.filter(forum__visibility=Forum.Visibility.PUBLIC)
            .select_related("forum")
            .only("pk", "last_activity_at", "forum__slug")
            .order_by("pk")
        )

    def lastmod(self, topic: Topic):
        return topic.last_activity_at


class PostSitemap(SiteSitemap):
    def items(self):
        return Post.objects.published().only("slug", "updated_at").order_by("-published_at", "-pk")

    def lastmod(self, post: Post):
        return post.updated_at


class EventSitemap(SiteSitemap):
    def items(self):
        return (
            Event.objects.published()
            .filter(audience=Event.Audience.PUBLIC)
            .only("slug", "updated_at")
            .order_by("-starts_at", "-pk")
        )

    def lastmod(self, event: Event):
        return event.updated_at


class ReportSitemap(SiteSitemap):
    def items(self):
        return (
            Report.objects.public()
            .select_related("event")
            .only("updated_at", "event__slug")
            .order_by("-published_at", "-pk")
        )

    def lastmod(self, report: Report):
        return report.updated_at


SITEMAPS = {
    "seiten": StaticSitemap,
    "thesen": ThesisSitemap,
    "kommunen": MunicipalitySitemap,
    "foren": ForumSitemap,
    "themen": TopicSitemap,
    "aktuelles": PostSitemap,
    "veranstaltungen": EventSitemap,
    "dokumentationen": ReportSitemap,
}
