"""The cache keeps the site up when Redis is away: reads miss, writes are dropped.

Django's RedisCache raises redis.ConnectionError on every call while Redis is down, and the
cache sits in the request path (allauth's rate limits, the newsletter signup limits), so a
stopped Redis would turn logins, signups and subscriptions into 500s. This backend answers as an
empty cache instead and logs the outage once per pause. After a failure it does not ask Redis
again for `RETRY_SECONDS` (an OPTIONS key, default 5), so a Redis that hangs instead of refusing
costs one timeout per pause, not one per call.

Rate limits fail open while Redis is away: `add` reports success (allauth takes a lock with
`add` and would refuse everyone if it failed) and `incr` starts a fresh counter. That trades a few
minutes without limits for a site that keeps working.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis import RedisError

logger = logging.getLogger(__name__)

DEFAULT_RETRY_SECONDS = 5.0


class TolerantRedisCache(RedisCache):
    def __init__(self, server, params):
        options = dict(params.get("OPTIONS") or {})
        self.retry_seconds = float(options.pop("RETRY_SECONDS", DEFAULT_RETRY_SECONDS))
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0

    def _tolerant(self, fallback: Any, call, *args) -> Any:
        """Run `call` on Redis; while Redis is away (or paused after a failure) `fallback`."""
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call(*args)
        except RedisError as error:
            self._down_until = time.monotonic() + self.retry_seconds
            logger.warning(
                "Cache (Redis) nicht erreichbar, %.0f s lang ohne Cache: %s",
                self.retry_seconds,
                error,
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._tolerant(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._tolerant({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._tolerant(False, super().has_key, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._tolerant(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: as if the key had been free (allauth's lock waits on False, then refuses).
        return self._tolerant(True, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._tolerant(False, super().touch, key, timeout, version)

    def incr(self, key, delta=1, version=None):
        # A fresh counter: a rate limit counts from zero rather than failing the request. A key
        # that Redis reports missing still raises ValueError, as Django's contract says.
        return self._tolerant(delta, super().incr, key, delta, version)

    def delete(self, key, version=None):
        return self._tolerant(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        self._tolerant(None, super().delete_many, keys, version)

    def clear(self):
        return self._tolerant(False, super().clear)
