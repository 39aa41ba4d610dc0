"""Every route of the URL configuration (k360.urls, walked recursively: the apps, allauth and the
admin), and concrete URLs for them; shared by the tests that go over all routes."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

# A route parameter written as <converter:name>, or <name>, or a regex group (?P<name>...).
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


@dataclass(frozen=True)
class Route:
    pattern: str  # the full route, as written: "veranstaltungen/<slug:slug>/"
    name: str | None  # with its namespace: "events:event-detail"; None for unnamed routes
    callback: Callable

    @property
    def key(self) -> str:
        """What a test names the route by: its name, or its pattern when it has none. Two
        routes may share a name (k360.urls puts its own login before allauth's): one key."""
        return self.name or self.pattern

    @property
    def parameters(self) -> dict[str, str]:
        """{name: converter} of the route's parameters; "re" for a regex group."""
        found = {m.group("name"): "re" for m in _GROUP.finditer(self.pattern)}
        for m in _PARAMETER.finditer(_GROUP.sub("", self.pattern)):
            found[m.group("name")] = m.group("converter") or "str"
        return found

    def url(self, values: dict[str, object]) -> str:
        """The path with every parameter taken from values (regex anchors dropped)."""
        path = _GROUP.sub(lambda m: str(values[m.group("name")]), self.pattern)
        path = _PARAMETER.sub(lambda m: str(values[m.group("name")]), path)
        return "/" + path.replace("^", "").replace("$", "")


def routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """Every URL pattern under resolver (default: k360.urls), in resolution order."""
    resolver = resolver or get_resolver()
    found: list[Route] = []
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            found += routes(pattern, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            found.append(Route(route, name, pattern.callback))
    return found


def route_keys() -> set[str]:
    return {route.key for route in routes()}


# Parameter values that make every route resolve without any data (the page may 404).
SAMPLE = {
    "int": "1",
    "slug": "beispiel",
    "str": "beispiel",
    "path": "beispiel",
    "app_label": "network",  # the admin's app index accepts only the installed app labels
    "url": "gibt-es-nicht/",  # the admin's catch-all
    "uidb36": "1",
    "key": "beispiel",
}


def sample_url(route: Route) -> str:
    return route.url(
        {
            name: SAMPLE.get(name) or SAMPLE[converter]
            for name, converter in route.parameters.items()
        }
    )
