"""A real Celery worker process consumes a task from the local Redis.

Skipped, with its reason, on a machine without Redis.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("CELERY_SMOKE_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_available() -> bool:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except Exception:
        return False
    return True


@pytest.mark.celery_worker
@pytest.mark.skipif(
    not _redis_available(), reason=f"no Redis at {REDIS_URL}: Celery worker smoke test not run"
)
def test_a_real_worker_consumes_a_task_from_redis(tmp_path):
    queue = f"smoke-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "coodyssee.settings",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "coodyssee",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    client = Celery(broker=REDIS_URL, backend=REDIS_URL, set_as_current=False)
    try:
        result = client.send_task("coodyssee.ping", queue=queue)
        assert result.get(timeout=60) == {"pong": True, "database": True}
    finally:
        worker.terminate()
        try:
            output, _ = worker.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
    assert "Traceback" not in output, output


@pytest.mark.django_db
def test_tasks_run_eagerly_without_a_broker(settings):
    from coodyssee.tasks import ping

    if settings.REDIS_URL:
        pytest.skip("REDIS_URL is set: tasks go to the broker")
    assert ping.delay().get(timeout=5) == {"pong": True, "database": True}
