"""RSS and Atom feeds of the public posts, for all posts and per category."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import Category, Post

FEED_LENGTH = 20


class PostFeed(Feed):
    title = _("Kommune 360° – Aktuelles")
    description = _("Neuigkeiten, Berichte und Interviews aus dem Netzwerk Kommune 360°.")
    language = "de"

    def get_object(self, request, category: str | None = None):
        if category is not None and category not in Category.values:
            raise Http404
        return category

    def link(self, category: str | None) -> str:
        url = reverse("blog:post-list")
        return f"{url}?kategorie={category}" if category else url

    def items(self, category: str | None):
        posts = Post.objects.published().for_list().latest_first()
        if category:
            posts = posts.in_category(category)
        return posts[:FEED_LENGTH]

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        return item.lead

    def item_pubdate(self, item: Post):
        return item.published_at

    def item_author_name(self, item: Post) -> str:
        return ", ".join(item.author_names) or "Kommune 360°"

    def item_categories(self, item: Post) -> list[str]:
        return [item.get_category_display(), *(tag.name for tag in item.tags.all())]


class CategoryFeed(PostFeed):
    def title(self, category: str) -> str:
        return _("Kommune 360° – %(category)s") % {"category": Category(category).label}

    def description(self, category: str) -> str:
        return _("Beiträge der Kategorie „%(category)s“ aus dem Netzwerk Kommune 360°.") % {
            "category": Category(category).label
        }


class PostAtomFeed(PostFeed):
    feed_type = Atom1Feed
    subtitle = PostFeed.description


class CategoryAtomFeed(CategoryFeed):
    feed_type = Atom1Feed

    def subtitle(self, category: str) -> str:
        return self.description(category)
