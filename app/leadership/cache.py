"""The leadership's figures kept a few minutes in Redis, so the view stays fast as the membership grows.

Every figure is a GROUP BY over the whole membership: about 35 ms for the whole page at 1,000 members and
1.8 s at 100,000 (tests/bench/bench_leadership.py). The leadership reads the same figures several times while
preparing a meeting, and figures a few minutes old serve that as well as live ones, so each query's result
is kept for LEADERSHIP_CACHE_SECONDS (0 turns this off) under a key made of the query's name and filters.
What is kept are counts (no names, no free text); suppression is applied after, on every read. When Redis
cannot be reached the figures are counted again: the view never fails for want of a cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Callable

from flask import current_app
from redis.exceptions import RedisError

from app.queues import get_redis

PREFIX = "alta:leadership:"
log = logging.getLogger(__name__)


def _key(name: str, filters, args: tuple) -> str:
    # Dates and instants passed along (e.g. "since a year ago") move with the clock and are not part of the key.
    plain = [a for a in args if isinstance(a, (str, int, tuple, list))]
    text = json.dumps([name, filters.args(), plain], sort_keys=True, default=str)
    return PREFIX + hashlib.sha256(text.encode()).hexdigest()


def remembered(encode: Callable = lambda v: v, decode: Callable = lambda v: v):
    """Decorate a query `fn(filters, *args)` so its result is kept in Redis; `encode` turns it into JSON
    values and `decode` back (tuples come back as lists unless `decode` says otherwise)."""

    def wrap(fn):
        @functools.wraps(fn)
        def cached(filters, *args):
            seconds = int(current_app.config.get("LEADERSHIP_CACHE_SECONDS", 0))
            if seconds <= 0:
                return fn(filters, *args)
            key = _key(fn.__name__, filters, args)
            try:
                raw = get_redis().get(key)
            except RedisError as error:
                log.warning("leadership cache unavailable, counting again: %s", error)
                return fn(filters, *args)
            if raw is not None:
                return decode(json.loads(raw))
            value = fn(filters, *args)
            try:
                get_redis().set(key, json.dumps(encode(value), default=str), ex=seconds)
            except RedisError as error:
                log.warning("leadership cache unavailable, not kept: %s", error)
            return value

        cached.fresh = fn  # the same count, never from the cache (for pages that act on it at once)
        return cached

    return wrap
