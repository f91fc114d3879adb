import pytest

pytestmark = pytest.mark.django_db


def test_health_answers_200_when_database_and_cache_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_health_answers_503_when_the_cache_is_down(client, settings):
    # A Redis cache at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/health/")
    assert response.status_code == 503
    assert b"cache" in response.content


def test_health_answers_503_when_the_redis_of_rate_limits_and_tasks_is_down(client, settings):
    # The cache (REDIS_CACHE_URL) answers; REDIS_URL, holding rate limits and the task queue, does not.
    settings.CACHES = settings.CACHES | {
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.content == b"unavailable: rate limits and task queue\n"


def test_styled_404_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()
