from celery import shared_task
from django.db import connection


@shared_task(name="coodyssee.ping", time_limit=30, soft_time_limit=25)
def ping() -> dict:
    """Smoke task: proves a worker consumes from the broker and reaches the database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        (one,) = cursor.fetchone()
    return {"pong": True, "database": one == 1}
