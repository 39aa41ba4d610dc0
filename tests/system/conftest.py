"""System tests: real Celery workers (separate processes) on the real Redis, sending through a
real SMTP server (aiosmtpd) to the test database's data."""

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller
from django.db import connection
from kombu import pools

ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/system/" in str(item.fspath):
            item.add_marker(pytest.mark.system)
            item.add_marker(pytest.mark.django_db(transaction=True))


class Inbox:
    """What the SMTP server received. Recipients are recorded as they arrive; messages are
    parsed only when a test reads them, so a big send is not slowed down by the parser."""

    def __init__(self):
        self.raw: list[bytes] = []
        self.recipients: list[str] = []
        self.rcpt_attempts: Counter[str] = Counter()
        # (address, how many times it was offered) -> an SMTP answer to refuse it, or None.
        self.refuse: Callable[[str, int], str | None] = lambda address, attempt: None
        # Seconds the server takes to accept each message.
        self.delay = 0.0
        self._parsed: list[EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts[address] += 1
        answer = self.refuse(address, self.rcpt_attempts[address])
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        self.raw.append(envelope.content)
        self.recipients.extend(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        for content in self.raw[len(self._parsed) :]:
            self._parsed.append(message_from_bytes(content, policy=policy.default))
        return self._parsed

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.raw) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.raw) >= count, f"{len(self.raw)} von {count} E-Mails angekommen"
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    # aiosmtpd logs every command at INFO: thousands of records slow down a big send.
    log = logging.getLogger("mail.log")
    level = log.level
    log.setLevel(logging.WARNING)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()
    log.setLevel(level)


class RedisServer:
    """A private redis-server without persistence: a restart loses everything it held."""

    def __init__(self, directory: Path):
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def client(self) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=2)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
                "--logfile",
                str(self.directory / "redis.log"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(redis.ConnectionError), self.client() as client:
                if client.ping():
                    return
            assert self.process.poll() is None, "redis-server startet nicht"
            assert time.monotonic() < deadline, "redis-server antwortet nicht"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def restart(self) -> None:
        """Kill the server (nothing is saved) and start an empty one on the same port."""
        self.stop()
        self.start()


def _use_broker(app, url: str) -> None:
    """Point this process's Celery app at another broker: pooled connections are dropped."""
    pools.reset()  # closes every pool and forgets it, so none is handed out closed later
    app.conf.broker_url = url
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def private_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis of this test's own, as broker of this process; start workers with
    `REDIS_URL=private_redis.url`. Request it before the workers, so it outlives them."""
    from k360.celery import app

    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    previous = app.conf.broker_url
    _use_broker(app, server.url)
    try:
        yield server
    finally:
        _use_broker(app, previous)
        server.stop()


def stop_process_group(process: subprocess.Popen) -> None:
    """SIGTERM and 20 s to finish, then SIGKILL to the whole group: children (pool processes,
    an embedded beat, gunicorn's workers) that outlived their parent."""
    if process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-5000:]


class Workers:
    """Starts Celery workers as process groups (the worker, its pool children and an embedded
    beat), kills them as a whole, stops them all at the end."""

    def __init__(self, app, env: dict[str, str], directory: Path):
        self.app = app
        self.env = env
        self.directory = directory
        self.started: list[Worker] = []

    def start(self, *, pool: str = "solo", concurrency: int = 1, beat: bool = False, **env: str):
        """Return once the worker answers a ping; `env` overrides settings, e.g.
        NEWSLETTER_STALE_SECONDS="3"; `beat` embeds beat with its schedule file in tmp."""
        number = len(self.started) + 1
        name = f"worker{number}@k360-system-test"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "k360",
            "worker",
            f"--hostname={name}",
            f"--pool={pool}",
            f"--concurrency={concurrency}",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        if beat:
            command += ["--beat", f"--schedule={self.directory / f'beat-{number}'}"]
        log = self.directory / f"worker-{number}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**self.env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(name, process, log)
        self.started.append(worker)
        deadline = time.monotonic() + 60
        while not self.app.control.ping(destination=[name], timeout=0.5):
            assert process.poll() is None, worker.output()
            assert time.monotonic() < deadline, f"Celery-Worker startet nicht\n{worker.output()}"
        return worker

    def kill(self, worker: Worker) -> None:
        """SIGKILL to the whole process group: nothing is acknowledged, nothing cleaned up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait(timeout=10)

    def stop_all(self) -> None:
        for worker in self.started:
            stop_process_group(worker.process)


@pytest.fixture
def service_env(smtp_server, settings) -> dict[str, str]:
    """The environment of the platform's own processes (workers, gunicorn): production
    settings on the test database and Redis, mailing to the SMTP server."""
    _inbox, port = smtp_server
    database = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "k360.settings",
        "DEBUG": "False",
        "SECRET_KEY": "system-test-secret-key-not-for-production",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SITE_URL": settings.SITE_URL,
        "SECURE_SSL_REDIRECT": "False",
        "CONN_MAX_AGE": "0",
    }


@pytest.fixture
def celery_workers(service_env, tmp_path) -> Iterator[Workers]:
    """Starts workers on the test database and Redis, mailing to the SMTP server; this test
    process sends them tasks through the broker instead of running them eagerly."""
    from k360.celery import app

    workers = Workers(app, service_env, tmp_path)
    app.control.purge()
    app.conf.task_always_eager = False
    try:
        yield workers
    finally:
        app.conf.task_always_eager = True
        workers.stop_all()


@pytest.fixture(scope="session")
def static_root(tmp_path_factory) -> Path:
    """collectstatic once per run, as a deployment does (hashed and compressed files)."""
    root = tmp_path_factory.mktemp("static")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "k360.settings",
        "DEBUG": "False",
        "SECRET_KEY": "system-test-secret-key-not-for-production",
        "STATIC_ROOT": str(root),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity=0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return root


class Gunicorn:
    """gunicorn serving the platform on loopback, as in production (sync workers)."""

    def __init__(self, env: dict[str, str], directory: Path, workers: int = 2):
        self.port = free_port()
        self.env = env
        self.workers = workers
        self.log = directory / "gunicorn.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-8000:]

    def start(self, **env: str) -> None:
        """Return once /healthz answers (with any status); `env` overrides settings."""
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "k360.wsgi:application",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={self.workers}",
                    "--timeout=60",
                    "--access-logfile=-",
                ],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while True:
            assert self.process.poll() is None, self.output()
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                return
            except urllib.error.HTTPError:
                return  # it answers, just not with 200
            except OSError:
                assert time.monotonic() < deadline, f"gunicorn startet nicht\n{self.output()}"
                time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            stop_process_group(self.process)


@pytest.fixture
def gunicorn_server(service_env, static_root, tmp_path) -> Iterator[Gunicorn]:
    """gunicorn with two workers on the test database, Redis and SMTP server, not started:
    call .start() (with setting overrides if needed)."""
    server = Gunicorn({**service_env, "STATIC_ROOT": str(static_root)}, tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def celery_worker(celery_workers) -> Worker:
    """One worker with the default settings."""
    return celery_workers.start()


def _postgres_bin() -> Path:
    """The newest PostgreSQL server binaries installed (Debian: /usr/lib/postgresql/<v>/bin)."""
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3])
    )
    assert versions, "PostgreSQL-Server nicht installiert (/usr/lib/postgresql/*/bin)"
    return versions[-1].parent


class PostgresCluster:
    """A private PostgreSQL cluster on loopback, to stop and start under load without touching
    the shared server. initdb refuses root: as root the cluster runs as the postgres user."""

    def __init__(self, directory: Path):
        self.bin = _postgres_bin()
        self.port = free_port()
        self.directory = directory
        self.data = directory / "data"
        self.log = directory / "postgres.log"

    def url(self, name: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, program: str, *args: str, timeout: float = 60) -> str:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False
        )
        assert result.returncode == 0, f"{program}: {result.stdout}\n{result.stderr}"
        return result.stdout

    def init(self) -> None:
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends sessions and checkpoints; `immediate` is a crash, recovered at start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def running(self) -> bool:
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "status"]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, check=False).returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-Atc",
            sql,
        )


@pytest.fixture
def private_postgres() -> Iterator[PostgresCluster]:
    """A started PostgreSQL cluster of this test's own (empty but for the `postgres` database),
    in a directory the postgres user owns; stopped and removed at the end."""
    directory = Path(tempfile.mkdtemp(prefix="k360-postgres-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    cluster = PostgresCluster(directory)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)
