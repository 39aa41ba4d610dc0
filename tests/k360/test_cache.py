"""The cache answers as an empty cache while Redis is away, and as Django's RedisCache otherwise."""

import logging
import time

import pytest
from allauth.core import ratelimit
from django.conf import settings
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from k360.cache import TolerantRedisCache

# Nothing listens on port 1: every connection is refused, as with a stopped Redis.
AWAY = "redis://127.0.0.1:1/0"


def tolerant(location: str, **options) -> TolerantRedisCache:
    return TolerantRedisCache(
        location,
        {"KEY_PREFIX": "k360-test-cache", "OPTIONS": {"socket_connect_timeout": 1, **options}},
    )


def test_with_redis_away_reads_miss_and_writes_do_nothing():
    away = tolerant(AWAY)
    assert away.get("a") is None
    assert away.get("a", "vorgabe") == "vorgabe"
    assert away.get_many(["a", "b"]) == {}
    assert away.has_key("a") is False
    assert away.set("a", 1) is None
    assert away.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert away.touch("a") is False
    assert away.delete("a") is False
    assert away.delete_many(["a", "b"]) is None
    assert away.clear() is False
    assert away.get_or_set("a", "neu") == "neu"


def test_with_redis_away_rate_limit_counters_fail_open():
    away = tolerant(AWAY)
    # allauth takes its lock with add() and refuses everyone when add() keeps failing.
    assert away.add("lock", True) is True
    assert away.incr("zaehler") == 1
    assert away.incr("zaehler", 5) == 5
    assert away.decr("zaehler") == -1


def test_after_a_failure_redis_is_left_alone_for_a_pause(monkeypatch, caplog):
    away = tolerant(AWAY, RETRY_SECONDS=60)
    calls = []
    original = away._cache.get
    monkeypatch.setattr(away._cache, "get", lambda *a: calls.append(a) or original(*a))
    with caplog.at_level(logging.WARNING, logger="k360.cache"):
        for _ in range(20):
            assert away.get("a") is None
    assert len(calls) == 1
    (record,) = caplog.records
    assert "Cache (Redis) nicht erreichbar, 60 s lang ohne Cache" in record.getMessage()


def test_the_pause_ends_and_redis_is_asked_again(monkeypatch):
    away = tolerant(AWAY, RETRY_SECONDS=0.05)
    calls = []
    original = away._cache.get
    monkeypatch.setattr(away._cache, "get", lambda *a: calls.append(a) or original(*a))
    away.get("a")
    time.sleep(0.1)
    away.get("a")
    assert len(calls) == 2


def test_a_live_redis_behaves_as_djangos_redis_cache():
    live = tolerant(settings.REDIS_URL)
    live.clear()
    assert live.get("a") is None
    live.set("a", {"wert": 1})
    assert live.get("a") == {"wert": 1}
    assert live.add("a", 2) is False
    assert live.add("b", 2) is True
    assert live.incr("b") == 3
    with pytest.raises(ValueError):  # Django's contract: a missing key is not a fresh counter
        live.incr("fehlt")
    assert live.get_many(["a", "b", "c"]) == {"a": {"wert": 1}, "b": 3}
    assert live.delete("a") is True
    assert live.has_key("a") is False
    assert live.clear() is True


def test_the_settings_use_it_with_redis():
    assert isinstance(caches["default"], TolerantRedisCache)


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "k360.cache.TolerantRedisCache",
            "LOCATION": AWAY,
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
)
def test_allauth_rate_limits_let_people_through_while_redis_is_away():
    request = RequestFactory().post("/konto/registrieren/", REMOTE_ADDR="192.0.2.1")
    started = time.monotonic()
    for _ in range(3):
        assert ratelimit.consume(request, action="signup")
    # The lock is taken at once, not waited for until allauth gives up (1 s each).
    assert time.monotonic() - started < 0.5
