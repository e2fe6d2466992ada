"""Django's Redis cache with one client per connection pool, kept for the process.

Django's backend makes a new `redis.Redis` for every cache call (only the pool is kept):
the throttles' get and set on every API request and sign-in paid that each time, ~0.4 ms a
client with redis-py 8 (issue #17). A client over a pool is safe to share between threads
(the pool hands each command its own connection) and reconnects by itself after Redis
returns, so one client per pool serves every call; the breaker (appraisals/throttling.py)
is unchanged.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(write))
            self._clients[index] = client
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
