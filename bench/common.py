"""Shared set-up for benchmarks: a throw-away PostgreSQL database and timing helpers.

Run a benchmark as a module from the project root, e.g. `python -m bench.network`.
It uses the test settings (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/k360)
and creates its own database `test_<name>_bench`, dropped at the end.
"""

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "k360.settings_test")

import django

django.setup()
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# These benchmarks time the rendering of a page; the whole-page cache (k360.pagecache) would
# answer the repeated requests instead. bench/http.py measures the stack with it.
settings.K360_PAGE_CACHE = False


@contextmanager
def bench_database() -> Iterator[None]:
    settings_dict = connection.settings_dict
    # As in production (settings.py): connections are kept, not reopened for every request.
    settings_dict["CONN_MAX_AGE"] = 60
    settings_dict["TEST"] = {
        **settings_dict.get("TEST", {}),
        "NAME": f"test_{settings_dict['NAME']}_bench",
    }
    # create_test_db returns the new name: keep the old one to restore it, so that several
    # benchmarks in one process (bench/all.py) each get a database of the same name.
    old_name = settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def measure(request: Callable[[], object], runs: int = 30) -> dict[str, float]:
    """Median and p95 in milliseconds, and the query count of one call."""
    request()  # warm caches and connections
    with CaptureQueriesContext(connection) as queries:
        request()
    # Read now: every request resets the connection's query log.
    query_count = len(queries)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        request()
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": timings[max(0, int(len(timings) * 0.95) - 1)],
        "queries": query_count,
    }


def print_table(title: str, rows: list[dict[str, object]]) -> None:
    print(f"\n{title}")
    if not rows:
        return
    headers = list(rows[0])
    widths = [
        max(
            len(str(h)),
            *(len(f"{r[h]:.1f}" if isinstance(r[h], float) else str(r[h])) for r in rows),
        )
        for h in headers
    ]
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    for row in rows:
        cells = [f"{row[h]:.1f}" if isinstance(row[h], float) else str(row[h]) for h in headers]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)))
