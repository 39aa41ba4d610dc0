"""Newsletter: 10,000 confirmed subscribers through Redis and one Celery worker to a local SMTP
server (aiosmtpd in its own process): messages per second, total time, the worker's peak memory,
and the ratio to a bare smtplib loop over one connection to the same server in the same run
(simple messages, run before and after the worker; the ratio is to the mean of the two). A loop
with the newsletter's own bytes shows how much of the gap is the larger message alone.

Targets: at least 200 messages/s, ratio at least 0.5, peak memory at most 250 MB.
Run with REDIS_URL set (the broker); `--pool solo` runs the worker without a pool child.
"""

import argparse
import contextlib
import multiprocessing
import os
import signal
import smtplib
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import bench_database, print_table

ROOT = Path(__file__).resolve().parents[1]
WORKER_NAME = "bench-newsletter@k360"


def _serve_smtp(port: int, received, ready, stop) -> None:
    """The SMTP server, in its own process so it competes with neither sender for the GIL."""
    import logging

    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a log line per command otherwise

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            received.value += len(envelope.rcpt_tos)  # the only writer: no lock needed
            return "250 Message accepted for delivery"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _group_memory_mb(group: int) -> tuple[float, float]:
    """Current RSS and peak RSS (VmHWM) summed over the processes of one process group."""
    rss = hwm = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # Fields after the command name (which may contain blanks): state, ppid, pgrp.
            if int(stat.rsplit(")", 1)[1].split()[2]) != group:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm += int(line.split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return rss / 1024, hwm / 1024


def _start_worker(app, *, pool: str, port: int, log: Path) -> subprocess.Popen:
    from django.conf import settings
    from django.db import connection

    database = connection.settings_dict
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "k360.settings",
        "DEBUG": "False",
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "DATABASE_URL": (
            f"postgres://{database['USER']}{password}@{database['HOST']}:{database['PORT']}"
            f"/{database['NAME']}"
        ),
        "REDIS_URL": settings.REDIS_URL,
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "SITE_URL": settings.SITE_URL,
        "SECURE_SSL_REDIRECT": "False",
        "NEWSLETTER_RATE_PER_MINUTE": "0",
        "LOG_LEVEL": "WARNING",
    }
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "k360",
                "worker",
                f"--hostname={WORKER_NAME}",
                f"--pool={pool}",
                "--concurrency=1",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while not app.control.ping(destination=[WORKER_NAME], timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"Celery-Worker startet nicht:\n{log.read_text()[-3000:]}")
    return worker


def _stop_worker(worker: subprocess.Popen) -> None:
    worker.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        worker.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):  # a pool child that outlived its parent
        os.killpg(worker.pid, signal.SIGKILL)


def _newsletter_through_worker(app, *, count: int, pool: str, port: int, received, log: Path):
    from django.db import transaction
    from django.utils import timezone

    from newsletters import sending
    from newsletters.models import Delivery, Newsletter, Subscriber

    Subscriber.objects.bulk_create(
        (
            Subscriber(
                email=f"leser-{n}@example.org",
                status=Subscriber.Status.CONFIRMED,
                confirmed_at=timezone.now(),
            )
            for n in range(count)
        ),
        batch_size=2000,
    )
    issue = Newsletter.objects.create(
        subject="Neues aus dem Netzwerk",
        slug="bench-ausgabe",
        body=(
            "## Aus dem Netzwerk\n\nDrei Kommunen berichten, wie sie ihre Präventionsketten "
            "steuern. [Zum Bericht](https://kommune360.de/blog/)\n\n- Werkstattgespräch am "
            "12. März\n- Selbstcheck 2026 offen\n\n> Ein Zitat aus der Praxis."
        ),
    )
    worker = _start_worker(app, pool=pool, port=port, log=log)
    try:
        app.control.purge()
        before = received.value
        peak_rss = 0.0
        start = time.perf_counter()
        with transaction.atomic():
            sending.newsletter_send(newsletter=issue)  # the batches are enqueued on commit
        started = time.perf_counter()
        finished = Newsletter.objects.filter(pk=issue.pk, status=Newsletter.Status.SENT)
        deadline = time.monotonic() + 600
        while not finished.exists():
            peak_rss = max(peak_rss, _group_memory_mb(worker.pid)[0])
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Versand bricht ab:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        elapsed = time.perf_counter() - start
        rss, hwm = _group_memory_mb(worker.pid)
        peak_rss = max(peak_rss, rss)
    finally:
        _stop_worker(worker)
    issue.refresh_from_db()
    sent = Delivery.objects.filter(newsletter=issue, state=Delivery.State.SENT).count()
    return {
        "sent": sent,
        "received": received.value - before,
        "start_s": started - start,
        "elapsed_s": elapsed,
        "worker_s": (issue.finished_at - issue.started_at).total_seconds(),
        "peak_rss_mb": peak_rss,
        "hwm_mb": hwm,
    }


def _smtplib_loop(*, count: int, port: int, received, message: bytes | None = None):
    """Send `count` messages over one connection: the fastest this server takes mail."""
    before = received.value
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for n in range(count):
            to = f"leser-{n}@example.org"
            body = (
                message
                or (
                    f"From: newsletter@kommune360.de\r\nTo: {to}\r\n"
                    f"Subject: Neues aus dem Netzwerk\r\n\r\nHallo {n}!\r\n"
                ).encode()
            )
            smtp.sendmail("newsletter@kommune360.de", [to], body)
    elapsed = time.perf_counter() - start
    return {"received": received.value - before, "elapsed_s": elapsed}


def _rendered_message() -> bytes:
    """One recipient's newsletter as the worker sends it, for a loop with the same bytes."""
    from newsletters import sending
    from newsletters.models import Newsletter

    issue = Newsletter.objects.get(slug="bench-ausgabe")
    rendered = sending.render_newsletter(issue)
    message = sending.build_message(issue, rendered, "leser-0@example.org").message()
    return message.as_bytes(linesep="\r\n")  # as Django's SMTP backend sends it


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--pool", choices=["prefork", "solo"], default="prefork")
    arguments = parser.parse_args(argv)
    from django.conf import settings

    from k360.celery import app

    if not settings.REDIS_URL:
        raise SystemExit("REDIS_URL fehlt: der Versand läuft über den Broker.")
    app.conf.task_always_eager = False
    count = arguments.count
    context = multiprocessing.get_context("spawn")
    received = context.Value("q", 0, lock=False)
    ready, stop = context.Event(), context.Event()
    port = _free_port()
    server = context.Process(target=_serve_smtp, args=(port, received, ready, stop))
    server.start()
    ready.wait(30)
    try:
        with bench_database(), tempfile.TemporaryDirectory() as directory:
            # The bare loop runs before and after the worker: the machine's load drifts.
            before = _smtplib_loop(count=count, port=port, received=received)
            worker = _newsletter_through_worker(
                app,
                count=count,
                pool=arguments.pool,
                port=port,
                received=received,
                log=Path(directory) / "worker.log",
            )
            after = _smtplib_loop(count=count, port=port, received=received)
            same = _smtplib_loop(
                count=count, port=port, received=received, message=_rendered_message()
            )
    finally:
        stop.set()
        server.join(30)

    rate = count / worker["elapsed_s"]
    simple_rate = 2 * count / (before["elapsed_s"] + after["elapsed_s"])
    same_rate = count / same["elapsed_s"]
    rows = [
        {
            "Weg": "Worker (newsletter_send bis versendet)",
            "Nachrichten": worker["received"],
            "Sekunden": worker["elapsed_s"],
            "Nachrichten/s": rate,
            "Verhältnis": f"{rate / simple_rate:.2f}",
        },
        *(
            {
                "Weg": f"smtplib-Schleife, einfache Nachricht ({when})",
                "Nachrichten": loop["received"],
                "Sekunden": loop["elapsed_s"],
                "Nachrichten/s": count / loop["elapsed_s"],
                "Verhältnis": f"{count / loop['elapsed_s'] / simple_rate:.2f}",
            }
            for when, loop in [("vorher", before), ("nachher", after)]
        ),
        {
            "Weg": "smtplib-Schleife, dieselbe Newsletter-Mail",
            "Nachrichten": same["received"],
            "Sekunden": same["elapsed_s"],
            "Nachrichten/s": same_rate,
            "Verhältnis": f"{same_rate / simple_rate:.2f}",
        },
    ]
    print_table(
        f"Newsletter an {count:,} Abonnent:innen: Redis, ein Worker "
        f"({arguments.pool}, concurrency 1), aiosmtpd auf 127.0.0.1",
        rows,
    )
    print_table(
        "Worker im Detail",
        [
            {
                "Zeilen gesendet": worker["sent"],
                "Start (Zeilen schreiben) s": worker["start_s"],
                "Versand laut DB s": worker["worker_s"],
                "Spitze RSS MB (Stichproben)": worker["peak_rss_mb"],
                "Summe VmHWM MB": worker["hwm_mb"],
            }
        ],
    )
    checks = [
        ("≥ 200 Nachrichten/s", rate >= 200),
        ("Verhältnis ≥ 0,5 (Schleife mit einfacher Nachricht)", rate / simple_rate >= 0.5),
        ("Verhältnis ≥ 0,5 (Schleife mit derselben Newsletter-Mail)", rate / same_rate >= 0.5),
        ("Spitzenspeicher ≤ 250 MB", worker["hwm_mb"] <= 250),
        ("jede Adresse genau einmal", worker["sent"] == worker["received"] == count),
    ]
    print("\n" + "\n".join(f"{'erfüllt' if ok else 'VERFEHLT'}: {label}" for label, ok in checks))
    return rows


if __name__ == "__main__":
    main()
