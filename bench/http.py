"""The production stack under load: gunicorn (2 sync workers) with the scale network, and wrk.

Prepares a dedicated PostgreSQL database (`BENCH_DATABASE_URL`, default k360_bench: created,
migrated and filled by `seed_scale` once), collects the static files, starts gunicorn on
127.0.0.1 with the production settings (DEBUG off, Redis cache) and runs wrk with 4 connections
against each route. Prints requests/s, p50, p95 and p99 per route, each p50 as a multiple of
/healthz's, and whether the goals of issue 9 hold: the thesis page p95 under 60 ms, every other
route p95 under 25 ms and at least 300 requests/s.

wrk, gunicorn, PostgreSQL and Redis share the machine's cores: the figures are what the
whole stack manages on one box, wrk's own CPU time included (printed with the table).
"""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk_report.lua")
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/k360_bench")
# A Redis database of its own: the tests use 15, development none.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
PORT = int(os.environ.get("BENCH_PORT", "8360"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
WARMUP_SECONDS = 2
CONNECTIONS = 4
WRK_THREADS = 1
WORKERS = 2
SEARCH_WORD = "Planung"  # stands in almost every one of the 50,000 documents

THESIS_P95_MS = 60
SMALL_P95_MS = 25
SMALL_RPS = 300


def _environment(static_root: Path) -> dict[str, str]:
    """As in production (k360.settings), on loopback without TLS."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "k360.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-nur-auf-127.0.0.1-" + "x" * 40,
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "CONN_MAX_AGE": "60",
        "SECURE_SSL_REDIRECT": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "STATIC_ROOT": str(static_root),
        "EMAIL_URL": "",
        "LOG_LEVEL": "WARNING",
    }


def _manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def _shell(env: dict[str, str], code: str) -> str:
    """The last line `manage.py shell` prints for the code (its first lines are chatter)."""
    return _manage(env, "shell", "--no-imports", "-c", code, capture=True).strip().splitlines()[-1]


def _create_database() -> None:
    import psycopg

    parts = urlsplit(DATABASE_URL)
    name = parts.path.lstrip("/")
    maintenance = parts._replace(path="/postgres").geturl()
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            print(f"Lege die Datenbank {name} an …")
            connection.execute(f'CREATE DATABASE "{name}"')


_ROUTES_SCRIPT = """
import json
from django.contrib.auth.models import AnonymousUser
from blog.models import Post
from events.models import Event
from forums.models import Comment, Thesis
from k360 import scale
thesis = max(Thesis.objects.published(), key=lambda t: Comment.objects.for_target(t).count())
post = Post.objects.published().latest_first().first()
event = Event.objects.visible_to(AnonymousUser()).upcoming().first()
print(json.dumps({
    "seeded": scale.is_seeded(),
    "thesis": thesis.get_absolute_url(),
    "thesis_comments": Comment.objects.for_target(thesis).count(),
    "post": post.get_absolute_url(),
    "event": event.get_absolute_url(),
}))
"""

# A member's session (the first seeded member), for the pass that the page cache does not serve.
_SESSION_SCRIPT = """
from django.test import Client
from network.models import User
from k360 import scale
client = Client()
client.force_login(User.objects.filter(email__endswith="@" + scale.DOMAIN).order_by("pk").first())
print(client.cookies["sessionid"].value)
"""


def prepare(env: dict[str, str]) -> dict:
    _create_database()
    _manage(env, "migrate", "--no-input", "-v", "0")
    if _shell(env, "from k360 import scale; print(scale.is_seeded())") == "True":
        print("Das Skalen-Netzwerk steht schon in der Datenbank: seed_scale entfällt.")
    else:
        _manage(env, "seed_scale")
    _manage(env, "compile_translations")
    _manage(env, "collectstatic", "--no-input", "-v", "0")
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # a cold cache: the warm-up fills it
    found = json.loads(_shell(env, _ROUTES_SCRIPT))
    found["session"] = _shell(env, _SESSION_SCRIPT)
    return found


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def start_gunicorn(env: dict[str, str], log: Path) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "k360.wsgi:application",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--error-logfile",
            str(log),
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn startet nicht:\n{log.read_text()[-3000:]}")
        try:
            if _get(f"http://127.0.0.1:{PORT}/healthz") == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn antwortet nicht:\n{log.read_text()[-3000:]}")


def wrk(url: str, seconds: int, session: str = "") -> dict:
    """One wrk run (as the member of `session`, if given); its figures, and the CPU seconds
    wrk itself used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run(
        [
            "wrk",
            f"--threads={WRK_THREADS}",
            f"--connections={CONNECTIONS}",
            f"--duration={seconds}s",
            "--timeout=5s",
            "--latency",
            f"--script={LUA}",
            *(["--header", f"Cookie: sessionid={session}"] if session else []),
            url,
        ],
        check=True,
        text=True,
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next(line for line in result.stdout.splitlines() if line.startswith("WRK_JSON "))
    figures = json.loads(line.removeprefix("WRK_JSON "))
    figures["wrk_cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return figures


def routes(found: dict) -> list[tuple[str, str, str]]:
    """(label, path, goal): 'thesis' or 'small'."""
    return [
        ("Startseite", "/", "small"),
        (
            f"These ({found['thesis_comments']:,} Kommentare)".replace(",", "."),
            found["thesis"],
            "thesis",
        ),
        ("Blog-Liste", "/blog/", "small"),
        ("Beitrag", found["post"], "small"),
        ("Veranstaltungen", "/veranstaltungen/", "small"),
        ("Veranstaltung", found["event"], "small"),
        (f"Suche „{SEARCH_WORD}“", f"/suche/?q={SEARCH_WORD}", "small"),
        ("healthz", "/healthz", "small"),
    ]


def verdict(goal: str, figures: dict) -> tuple[str, bool]:
    if goal == "thesis":
        return f"p95 < {THESIS_P95_MS} ms", figures["p95_ms"] < THESIS_P95_MS
    ok = figures["p95_ms"] < SMALL_P95_MS and figures["rps"] >= SMALL_RPS
    return f"p95 < {SMALL_P95_MS} ms, ≥ {SMALL_RPS}/s", ok


def measure_routes(found: dict) -> list[dict]:
    """Every route as a visitor (what the goals are about: the page cache answers), then the
    pages again as a logged-in member, rendered for every request (for information)."""
    base = f"http://127.0.0.1:{PORT}"
    measured = []
    passes = [("", ""), ("Mitglied: ", found["session"])]
    for prefix, session in passes:
        for label, path, goal in routes(found):
            if session and path == "/healthz":
                continue
            status = _get(base + path)
            if status != 200:
                raise RuntimeError(f"{path} antwortet mit {status}, nicht 200")
            wrk(base + path, WARMUP_SECONDS, session)
            measured.append(
                (
                    prefix + label,
                    path,
                    goal if not session else "",
                    wrk(base + path, SECONDS, session),
                )
            )
    healthz = next(figures for label, _p, _g, figures in measured if label == "healthz")
    rows = []
    for label, path, goal, figures in measured:
        target, ok = verdict(goal, figures) if goal else ("– (ungecacht, Information)", None)
        if figures["socket_errors"] or figures["bad_status"]:
            ok = False
        rows.append(
            {
                "Route": label,
                "Adresse": path if len(path) <= 40 else path[:39] + "…",
                "Anfragen/s": figures["rps"],
                "p50 ms": figures["p50_ms"],
                "p95 ms": figures["p95_ms"],
                "p99 ms": figures["p99_ms"],
                "× healthz": f"{figures['p50_ms'] / healthz['p50_ms']:.1f}",
                "Fehler": figures["socket_errors"] + figures["bad_status"],
                "wrk-CPU": f"{100 * figures['wrk_cpu_s'] / figures['seconds']:.0f} %",
                "Ziel": target,
                "Ergebnis": "" if ok is None else "PASS" if ok else "FAIL",
            }
        )
    return rows


def main() -> list[dict]:
    from bench.common import print_table

    if shutil.which("wrk") is None:
        raise SystemExit("wrk fehlt: make bench installiert es (apt-get install wrk).")
    with tempfile.TemporaryDirectory(prefix="k360-bench-") as directory:
        env = _environment(Path(directory) / "static")
        found = prepare(env)
        log = Path(directory) / "gunicorn.log"
        server = start_gunicorn(env, log)
        try:
            rows = measure_routes(found)
        finally:
            server.terminate()
            server.wait(30)
    cores = os.cpu_count()
    print_table(
        f"HTTP-Last: gunicorn ({WORKERS} sync-Worker) mit dem Skalen-Netzwerk, wrk mit "
        f"{CONNECTIONS} Verbindungen ({WRK_THREADS} Thread), je {SECONDS} s nach "
        f"{WARMUP_SECONDS} s Aufwärmen",
        rows,
    )
    print(
        f"\nwrk, gunicorn, PostgreSQL und Redis teilen sich {cores} Kerne auf 127.0.0.1; "
        "„wrk-CPU“ ist die Rechenzeit von wrk selbst, bezogen auf einen Kern.\n"
        "× healthz: p50 der Route geteilt durch p50 von /healthz im selben Lauf."
    )
    failed = [row["Route"] for row in rows if row["Ergebnis"] == "FAIL"]
    print("Ziele: alle erfüllt." if not failed else f"Ziele verfehlt: {', '.join(failed)}.")
    return rows


if __name__ == "__main__":
    main()
