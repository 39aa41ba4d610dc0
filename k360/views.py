import logging

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from . import search
from .forms import SearchForm
from .home import home_blocks
from .pagecache import anonymous_page_cache

logger = logging.getLogger(__name__)


@method_decorator(anonymous_page_cache, name="dispatch")
class HomeView(TemplateView):
    template_name = "pages/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(blocks=home_blocks(self.request), **kwargs)


@method_decorator(anonymous_page_cache, name="dispatch")
class SearchView(TemplateView):
    template_name = "search/search.html"

    def get_context_data(self, **kwargs):
        form = SearchForm(self.request.GET)
        form.is_valid()  # always valid: the one field is optional and unbounded
        results = search.search(
            form.cleaned_data.get("q", ""), self.request.user, self.request.GET.get("art")
        )
        context = {
            "form": form,
            "results": results,
            "min_length": search.MIN_QUERY_LENGTH,
            "kind_labels": [label for _kind, label in search.kinds()],
        }
        if results.searched:
            page = Paginator(results.hits, search.PAGE_SIZE).get_page(self.request.GET.get("seite"))
            params = QueryDict(mutable=True)
            params["q"] = results.query
            context["kind_query"] = params.urlencode()
            if results.kind:
                params["art"] = results.kind
            context.update(page_obj=page, hits=page.object_list, page_query=params.urlencode())
        return super().get_context_data(**context, **kwargs)


def _database_ok() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True
    except DatabaseError:
        logger.warning("healthz: Datenbank nicht erreichbar", exc_info=True)
        connection.close_if_unusable_or_obsolete()
        return False


_broker_clients: dict = {}


def _broker_state() -> str:
    if not settings.REDIS_URL:
        return "eager"
    import redis

    # One client per process: its pool keeps the connection open between checks (a load
    # balancer asks every few seconds) and opens a new one after Redis was away.
    client = _broker_clients.get(settings.REDIS_URL)
    if client is None:
        client = _broker_clients[settings.REDIS_URL] = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
    try:
        client.ping()
        return "ok"
    except redis.RedisError:
        return "error"


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    database = "ok" if _database_ok() else "error"
    broker = _broker_state()
    status = 200 if database == "ok" else 503
    return JsonResponse({"database": database, "broker": broker}, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that is down is a 503 with a page saying so, not a 500."""
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader

    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(loader.render_to_string("500.html"), status=500)
