"""Faults of the production stack, over HTTP through gunicorn: PostgreSQL stopped under load, Redis
stopped while visitors and members keep using the site."""

import http.cookiejar
import json
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from forums.models import Thesis
from forums.services import subscription_set
from k360.models import OutgoingEmail
from tests.factories import PASSWORD, EventFactory, PostFactory, ThesisFactory, UserFactory

from .conftest import ROOT

OUTAGE_PAGE = "Kommune 360° ist gleich wieder da"


@dataclass
class Answer:
    path: str
    started: float
    ended: float
    status: int  # 0: no HTTP answer at all (refused, reset, timed out)
    retry_after: str | None
    body: str


def fetch(opener: urllib.request.OpenerDirector, url: str, data: bytes | None = None) -> Answer:
    """One request; redirects are followed and `path` is where they ended."""
    started = time.monotonic()
    try:
        with opener.open(url, data=data, timeout=30) as response:
            status, headers, body = response.status, response.headers, response.read()
            url = response.url
    except urllib.error.HTTPError as error:
        status, headers, body, url = error.code, error.headers, error.read(), error.url
    except OSError as error:
        status, headers, body = 0, {}, repr(error).encode()
    path = urllib.parse.urlsplit(url).path
    return Answer(
        path, started, time.monotonic(), status, headers.get("Retry-After"), body.decode()
    )


class Load:
    """Client threads requesting the pages round and round, each answer recorded."""

    def __init__(self, base: str, paths: list[str], clients: int = 4):
        self.base = base
        self.paths = paths
        self.clients = clients
        self.answers: list[Answer] = []
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _run(self, offset: int) -> None:
        opener = urllib.request.build_opener()
        n = offset
        while not self._stop.is_set():
            self.answers.append(fetch(opener, self.base + self.paths[n % len(self.paths)]))
            n += 1

    def __enter__(self):
        for offset in range(self.clients):
            thread = threading.Thread(target=self._run, args=(offset,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def check_outage_answer(answer: Answer) -> None:
    """A page during the outage: the friendly German 503 page, never a 500 or a traceback."""
    assert answer.status == 503, (answer.path, answer.status, answer.body[:500])
    assert "Traceback" not in answer.body and "OperationalError" not in answer.body, answer.body
    if answer.path == "/healthz":
        assert json.loads(answer.body)["database"] == "error"
    else:
        assert OUTAGE_PAGE in answer.body, answer.body[:500]
        assert answer.retry_after == "30", answer.path


SEED = """
from forums.services import comment_insert
from tests.factories import EventFactory, PostFactory, ThesisFactory, UserFactory

member = UserFactory(name="Paula Planerin")
thesis = ThesisFactory(number=1, title="Kommunales Handeln entscheidet", slug="these-1")
for n in range(5):
    comment_insert(target=thesis, author=member, source=f"Beitrag {n}", stance="ergaenzung")
EventFactory(slug="werkstatt")
PostFactory(slug="neuigkeit")
"""


def test_postgres_stopped_under_load_answers_503_and_recovers_without_a_restart(
    private_postgres, gunicorn_server
):
    private_postgres.psql("CREATE DATABASE k360")
    env = {**gunicorn_server.env, "DATABASE_URL": private_postgres.url("k360")}
    for command in (["migrate", "--no-input", "--verbosity=0"], ["shell", "-c", SEED]):
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-3000:]
    # Persistent connections as in production: each gunicorn worker holds one across the stop.
    gunicorn_server.start(DATABASE_URL=private_postgres.url("k360"), CONN_MAX_AGE="60")
    master = gunicorn_server.process.pid
    paths = [
        "/",
        "/thesen/",
        "/thesen/these-1/",
        "/veranstaltungen/",
        "/veranstaltungen/werkstatt/",
        "/blog/",
        "/blog/neuigkeit/",
        "/healthz",
    ]
    opener = urllib.request.build_opener()
    for path in paths:
        assert fetch(opener, gunicorn_server.url + path).status == 200, path

    report = {}
    for mode in ("fast", "immediate"):
        with Load(gunicorn_server.url, paths) as load:
            time.sleep(1.5)
            stopping = time.monotonic()
            private_postgres.stop(mode)
            stopped = time.monotonic()
            time.sleep(3)
            check_outage_answer(fetch(opener, gunicorn_server.url + "/healthz"))
            starting = time.monotonic()
            private_postgres.start()
            started = time.monotonic()
            # Back when one round over every page answers 200.
            while True:
                sweep = [fetch(opener, gunicorn_server.url + path) for path in paths]
                if all(answer.status == 200 for answer in sweep):
                    recovered = time.monotonic()
                    break
                for answer in sweep:
                    check_outage_answer(answer)
                assert time.monotonic() - started < 15, [a.status for a in sweep]
            time.sleep(1.5)

        answers = load.answers
        statuses = Counter(answer.status for answer in answers)
        assert set(statuses) <= {200, 503}, statuses
        for answer in answers:
            if answer.status != 200:
                check_outage_answer(answer)
        before = [a for a in answers if a.ended < stopping]
        during = [a for a in answers if a.started > stopped and a.ended < starting]
        after = [a for a in answers if a.started > recovered]
        assert before and {a.status for a in before} == {200}
        # A page may still come from the cache; whatever needs the database answers 503.
        assert len(during) >= 20 and Counter(a.status for a in during)[503] >= 10
        assert {a.status for a in during if a.path == "/healthz"} == {503}
        assert after and {a.status for a in after} == {200}
        report[mode] = {
            "requests": len(answers),
            "statuses": dict(statuses),
            "during the outage": dict(Counter(a.status for a in during)),
            "slowest answer s": round(max(a.ended - a.started for a in answers), 2),
            "first 200 after s": round(
                min(a.ended for a in answers if a.status == 200 and a.started > started) - started,
                2,
            ),
            "all pages 200 after s": round(recovered - started, 2),
        }

    log = gunicorn_server.log.read_text(errors="replace")
    assert gunicorn_server.process.poll() is None and gunicorn_server.process.pid == master
    # Two workers booted at the start and none since: no worker died or was replaced.
    assert len(re.findall(r"Booting worker with pid", log)) == 2, gunicorn_server.output()
    for crash in (
        "Exception in worker process",
        "WORKER TIMEOUT",
        "Worker exiting",
        "Error handling",
    ):
        assert crash not in log, gunicorn_server.output()
    print("PostgreSQL outage:", report)


class InsecureLoopbackPolicy(http.cookiejar.DefaultCookiePolicy):
    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A visitor over HTTP with cookies; forms are posted with the CSRF token of the cookie."""

    def __init__(self, base: str):
        self.base = base
        # Production sets its cookies Secure; gunicorn here speaks plain HTTP on loopback, as
        # behind a TLS-terminating proxy: send them all the same.
        self.cookies = http.cookiejar.CookieJar(InsecureLoopbackPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        self.answers: list[Answer] = []

    def get(self, path: str) -> Answer:
        answer = fetch(self.opener, self.base + path)
        self.answers.append(answer)
        return answer

    def post(self, path: str, fields: dict[str, str], form_page: str | None = None) -> Answer:
        """GET the page with the form first (it sets the CSRF cookie), then POST the form."""
        assert self.get(form_page or path).status == 200, form_page or path
        token = next(c.value for c in self.cookies if c.name == "csrftoken")
        data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields}).encode()
        answer = fetch(self.opener, self.base + path, data=data)
        self.answers.append(answer)
        return answer


def test_with_redis_stopped_the_site_works_and_no_email_is_lost(
    smtp_server, private_redis, celery_workers, gunicorn_server
):
    inbox, _port = smtp_server
    thesis = ThesisFactory(number=1, title="Kommunales Handeln entscheidet", slug="these-1")
    event = EventFactory(slug="werkstatt")
    PostFactory(slug="neuigkeit")
    follower = UserFactory(email="folgt@example.org", notify_forums=True)
    subscription_set(user=follower, target=thesis, subscribed=True)
    # The test settings hash with MD5 for speed; gunicorn checks passwords as production does.
    hasher = PBKDF2PasswordHasher()
    member = UserFactory(email="miriam@example.org")
    member.password = hasher.encode(PASSWORD, hasher.salt())
    member.save(update_fields=["password"])

    # Redis is cache and broker of gunicorn and of the worker, whose beat re-queues emails
    # still waiting after two seconds (production: five minutes).
    celery_workers.start(beat=True, REDIS_URL=private_redis.url, OUTBOX_REQUEUE_SECONDS="2")
    gunicorn_server.start(REDIS_URL=private_redis.url)
    assert Browser(gunicorn_server.url).get("/healthz").status == 200

    private_redis.stop()
    stopped = time.monotonic()
    visitor, browser = Browser(gunicorn_server.url), Browser(gunicorn_server.url)
    health = visitor.get("/healthz")
    assert health.status == 200 and json.loads(health.body)["broker"] == "error"
    for path in ("/", "/thesen/these-1/", "/veranstaltungen/werkstatt/", "/blog/neuigkeit/"):
        assert visitor.get(path).status == 200, path
    # A visitor subscribes to the newsletter and registers for the event (both double opt-in),
    # someone signs up, a member logs in and comments on a thesis another member follows.
    subscribed = visitor.post(
        "/newsletter/", {"email": "leser@example.org", "name": "Lea Leser", "consent": "on"}
    )
    assert subscribed.status == 200 and subscribed.path == "/newsletter/danke/", subscribed.body
    registered = visitor.post(
        f"/veranstaltungen/{event.slug}/anmelden/",
        {
            "name": "Gerd Gast",
            "email": "gast@example.org",
            "organisation": "Stadt Musterstadt",
            "consent": "on",
        },
        form_page=f"/veranstaltungen/{event.slug}/",
    )
    assert registered.status == 200 and "gast@example.org" in registered.body
    signed_up = Browser(gunicorn_server.url).post(
        reverse("account_signup"),
        {
            "name": "Nina Neu",
            "email": "nina@example.org",
            "password1": "ein-langes-Passwort-2025",
            "password2": "ein-langes-Passwort-2025",
        },
    )
    assert signed_up.status == 200, signed_up.body
    assert signed_up.path == reverse("account_email_verification_sent"), signed_up.body
    logged_in = browser.post(
        reverse("account_login"), {"login": "miriam@example.org", "password": PASSWORD}
    )
    assert logged_in.status == 200 and logged_in.path == "/", logged_in.path
    content_type = ContentType.objects.get_for_model(Thesis)
    commented = browser.post(
        reverse("forums:comment-create", args=[content_type.pk, thesis.pk]),
        {"stance": "ergaenzung", "text": "Präventionsketten beginnen in der Geburtsklinik."},
        form_page="/thesen/these-1/",
    )
    assert commented.status == 200 and "Ihr Beitrag ist veröffentlicht" in commented.body
    outage = time.monotonic() - stopped

    answers = visitor.answers + browser.answers
    assert all(a.status == 200 for a in answers), [(a.path, a.status) for a in answers]
    slowest = max(a.ended - a.started for a in answers)
    assert slowest < 3, slowest
    expected = {"leser@example.org", "gast@example.org", "nina@example.org", "folgt@example.org"}
    written = OutgoingEmail.objects.all()
    assert {address for email in written for address in email.to} == expected
    assert inbox.raw == []

    private_redis.start()
    returned = time.monotonic()
    inbox.wait_for(len(expected), timeout=90)
    delivered_after = time.monotonic() - returned
    time.sleep(5)  # more re-queue rounds: nothing goes out twice
    assert Counter(inbox.recipients) == Counter(expected)
    assert set(OutgoingEmail.objects.values_list("state", flat=True)) == {"sent"}
    assert "Traceback" not in gunicorn_server.output()
    print(
        "Redis outage:",
        {
            "requests": len(answers),
            "outage s": round(outage, 1),
            "slowest request s": round(slowest, 2),
            "emails": len(inbox.raw),
            "delivered after return s": round(delivered_after, 1),
        },
    )
