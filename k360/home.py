"""The blocks of the home page. Each app contributes its block when it lands."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


@dataclass
class HomeBlock:
    key: str
    title: str
    template: str
    more_url: str
    more_label: str
    empty_text: str
    items: list[Any] = field(default_factory=list)


_providers: dict[str, Callable[[HttpRequest], list[Any]]] = {}


def register_home_items(key: str, provider: Callable[[HttpRequest], list[Any]]) -> None:
    """An app registers the items of its block (a short list, fetched in one query)."""
    _providers[key] = provider


def home_blocks(request: HttpRequest) -> list[HomeBlock]:
    blocks = [
        HomeBlock(
            key="theses",
            title=_("Thesen zur Diskussion"),
            template="pages/includes/_home_theses.html",
            more_url="/thesen/",
            more_label=_("Alle Thesen"),
            empty_text=_(
                "Die Thesen der Initiative werden hier bald zur Diskussion gestellt. "
                "Schauen Sie wieder vorbei!"
            ),
        ),
        HomeBlock(
            key="events",
            title=_("Nächste Veranstaltungen"),
            template="pages/includes/_home_events.html",
            more_url="/veranstaltungen/",
            more_label=_("Alle Veranstaltungen"),
            empty_text=_("Zurzeit sind keine Veranstaltungen angekündigt."),
        ),
        HomeBlock(
            key="posts",
            title=_("Aktuelles"),
            template="pages/includes/_home_posts.html",
            more_url="/blog/",
            more_label=_("Alle Beiträge"),
            empty_text=_("Noch keine Beiträge veröffentlicht."),
        ),
    ]
    for block in blocks:
        provider = _providers.get(block.key)
        if provider is not None:
            block.items = list(provider(request))
    return blocks
