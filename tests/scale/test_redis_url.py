"""ALTA_REDIS_URL: a plain URL as before, or the Sentinel form, read in one place (app/queues.py) for RQ,
the rate limits and /healthz; a client through Sentinel follows a fail-over by itself."""

from __future__ import annotations

import pytest

from app import queues
from app.config import ConfigError


def test_the_sentinel_form_names_the_sentinels_the_service_and_the_database():
    target = queues.parse_redis_url("redis+sentinel://:s%40cret@10.0.0.1:26379,10.0.0.2:26380/alta/2")
    assert target.sentinels == (("10.0.0.1", 26379), ("10.0.0.2", 26380))
    assert (target.service, target.db, target.password) == ("alta", 2, "s@cret")
    assert queues.parse_redis_url("redis+sentinel://h:1/alta").db == 0
    assert not queues.parse_redis_url("redis://127.0.0.1:6391/0").through_sentinel


@pytest.mark.parametrize("url", ["redis+sentinel://h/alta/0", "redis+sentinel://h:1/", "redis+sentinel://h:1/a/b",
                                 "redis+sentinel://h:1/a/0/9", "http://127.0.0.1:6379/0"])
def test_a_malformed_redis_url_stops_the_app_with_a_clear_message(url):
    from app import create_app

    with pytest.raises(ConfigError, match="ALTA_REDIS_URL"):
        create_app({"ENV": "test", "REDIS_URL": url})


def test_the_rate_limits_get_the_sentinel_form_the_limits_library_reads_and_the_primary_only():
    uri, options = queues.limiter_storage("redis+sentinel://:pw@h1:1,h2:2/alta/3")
    # limits takes the whole path as the service name: the database goes in the options.
    assert uri == "redis+sentinel://h1:1,h2:2/alta"
    assert options["db"] == 3 and options["password"] == "pw" and options["use_replicas"] is False
    assert queues.limiter_storage("redis://127.0.0.1:6391/0")[0] == "redis://127.0.0.1:6391/0"


def test_a_client_through_sentinel_carries_on_after_the_primary_dies(sentinel):
    client = queues.connect(sentinel.url)
    client.set("before", "1")
    assert client.execute_command("WAIT", 1, 5000) == 1  # the write has reached the replica
    old = sentinel.primary.port
    sentinel.primary.kill()
    # The same client, no restart: the command waits out the election and lands on the promoted replica.
    assert client.incr("before") == 2
    assert sentinel.wait_failover(old) == sentinel.replica.port
    assert client.info("replication")["role"] == "master"
    assert client.connection_pool.get_master_address()[1] == sentinel.replica.port


def test_an_app_made_after_one_on_sentinel_keeps_its_own_rate_limit_options(app_settings):
    # Flask-Limiter merges every app's storage options into one dict: the Sentinel app's options reached the
    # next app's plain Redis and every rate limit was silently off (seen in the full suite's order).
    from app import create_app
    from app.extensions import limiter

    create_app({**app_settings, "REDIS_URL": "redis+sentinel://127.0.0.1:1/alta/0"})
    plain = create_app(dict(app_settings))
    with plain.app_context():
        assert "use_replicas" not in limiter._storage_options  # noqa: SLF001
        assert limiter.storage.check()  # the plain Redis answers with the options it was given
