"""The Redis cache keeps one client per connection pool, not one per call (#17)."""

from unittest import mock

import redis
from django.core.cache.backends.redis import RedisCacheClient as DjangoClient

from settings.base import redis_cache
from settings.redis_cache import RedisCache


def _cache() -> RedisCache:
    params = redis_cache("redis://127.0.0.1:6379/0").copy()
    backend, location = params.pop("BACKEND"), params.pop("LOCATION")
    assert backend == "settings.redis_cache.RedisCache"  # what the settings name
    return RedisCache(location, params)


def test_calls_share_one_client_per_pool_and_clients_are_made_once():
    cache = _cache()
    with mock.patch.object(redis, "Redis", wraps=redis.Redis) as made:
        client = cache._cache.get_client(write=True)
        for _ in range(5):  # what the throttles do on every request: get, then set
            assert cache._cache.get_client("k") is client
            assert cache._cache.get_client("k", write=True) is client
    assert made.call_count == 1
    assert client.connection_pool is cache._cache._get_connection_pool(True)


def test_django_alone_would_make_a_client_per_call():
    """What the backend replaces: the test above would fail on Django's own client."""
    plain = DjangoClient(["redis://127.0.0.1:6379/0"])
    assert plain.get_client() is not plain.get_client()
