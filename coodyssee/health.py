"""Readiness probe: the database answers, and the broker too when one is configured."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from coodyssee.permissions import public


def _database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "not ready"
        return f"error: {error.__class__.__name__}"
    return "ok"


def _broker_status() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
    except Exception as error:
        return f"error: {error.__class__.__name__}"
    return "ok"


@public
@never_cache
@require_GET
def healthz(request):
    checks = {"database": _database_status(), "broker": _broker_status()}
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
