"""Whole pages for visitors without a session, from the cache (Redis in production).

Most requests come from visitors who are not logged in and see the same page as everyone else:
the home page, a thesis with its discussion, the news, the events, a search. Such a page is
rendered once and then served from the cache until anything changes:

- Only GET requests without a session or messages cookie are served or stored; whoever has a
  session (every member, and a visitor with a pending message) always gets a freshly rendered
  page, so nothing personal is ever cached or served to someone else.
- Every write to the database (INSERT, UPDATE, DELETE on any table but the sessions) moves a
  generation counter on, at once and again after the commit; the counter is part of every key,
  so the next request renders anew. The second move covers a page rendered from the old data
  while the writing transaction was still open. Writes that bypass save() (bulk updates,
  moderation, counters) are seen as well, since the statements themselves are watched.
- What changes with time alone (a scheduled post going live, an event moving to the past)
  shows after at most PAGE_SECONDS.
- The setting K360_PAGE_CACHE = False turns it off (the in-process benchmarks measure rendering).
- A request that runs inside an open transaction (the test suite wraps each test in one) is
  neither served nor stored: what it sees may never be committed, so it must not be shared.
- A form's CSRF token is not stored: the cached page holds a placeholder, and each visitor gets
  a token of their own (and the cookie that goes with it), as on a freshly rendered page.
"""

import hashlib
import re
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

PAGE_SECONDS = 60
GENERATION_KEY = "pagecache:generation"
# Writes here change no page a visitor without a session sees.
IGNORED_TABLES = frozenset({"django_session"})

_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
_CSRF_PLACEHOLDER = b"\x00k360-csrf-token\x00"
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+)"?', re.IGNORECASE)


def _generation() -> int:
    return cache.get(GENERATION_KEY) or 0


def bump() -> None:
    """Retire every cached page (they expire from the cache on their own)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key is gone (a cleared or restarted cache): start anew
        cache.add(GENERATION_KEY, 1, timeout=None)


def _after_commit() -> None:
    bump()


def _watch_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    match = _WRITE.match(sql)
    if match and match.group(1).lower() not in IGNORED_TABLES:
        bump()
        writer = context["connection"]
        if writer.in_atomic_block and not any(
            func is _after_commit for _sids, func, _robust in writer.run_on_commit
        ):
            transaction.on_commit(_after_commit, using=writer.alias)
    return result


def _connection_created(sender, connection, **kwargs) -> None:
    # The same wrapper object reconnects after CONN_MAX_AGE: watch it once.
    if _watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch_writes)


def watch_database() -> None:
    """Called once at start-up (K360Config.ready)."""
    connection_created.connect(_connection_created, dispatch_uid="k360.pagecache")


def _cacheable_request(request: HttpRequest) -> bool:
    return (
        request.method == "GET"
        and getattr(settings, "K360_PAGE_CACHE", True)
        and not connection.in_atomic_block
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_HX_REQUEST" not in request.META
    )


def _key(request: HttpRequest, generation: int) -> str:
    address = f"{request.scheme}://{request.get_host()}{request.get_full_path()}"
    return f"page:{generation}:{hashlib.sha256(address.encode()).hexdigest()}"


def _storable(request: HttpRequest, response: HttpResponse) -> bytes | None:
    """The page as it may be stored, or None when it must not be."""
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or "private" in response.get("Cache-Control", "")
        or "no-store" in response.get("Cache-Control", "")
    ):
        return None
    content = response.content
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or b"csrfmiddlewaretoken" in content:
        tokens = set(_CSRF_FIELD.findall(content))
        if not tokens:
            return None  # a token somewhere we cannot find it: not ours to store
        for token in tokens:
            content = content.replace(token, _CSRF_PLACEHOLDER)
    return content


def _from_cache(request: HttpRequest, stored: tuple) -> HttpResponse:
    status, headers, content = stored
    if _CSRF_PLACEHOLDER in content:
        content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(content, status=status, headers=headers)
    response["X-Page-Cache"] = "hit"
    return response


def anonymous_page_cache(view: Callable) -> Callable:
    """Serve the view's page from the cache to visitors without a session (see above)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = _key(request, _generation())
        stored = cache.get(key)
        if stored is not None:
            return _from_cache(request, stored)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        content = _storable(request, response)
        if content is not None and not request.user.is_authenticated:
            cache.set(key, (response.status_code, dict(response.items()), content), PAGE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

    return wrapper
