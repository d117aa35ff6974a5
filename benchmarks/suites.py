"""The benchmarks themselves. Later issues add theirs here (invoice issuing, PDF rendering, FEC…)."""

from __future__ import annotations

import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from benchmarks import benchmark


def _timed(func, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - started)
    return best


@benchmark("Données de démonstration (load_demo)")
def bench_load_demo():
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("load_demo", "--quiet-logins")
    first = time.perf_counter() - started
    started = time.perf_counter()
    call_command("load_demo", "--quiet-logins")
    second = time.perf_counter() - started
    return [
        ("first run (empty database)", f"{first:.2f} s"),
        ("second run (nothing to add)", f"{second:.2f} s"),
    ]


@benchmark("Liste des personnes (back-office)")
def bench_people_list():
    from coodyssee.models import RoleGrant, User
    from coodyssee.permissions import Role

    manager = User.objects.filter(role_grants__role=Role.MANAGER).first()
    client = Client()
    client.force_login(manager)
    client.get("/gestion/personnes/")

    def measure():
        with CaptureQueriesContext(connection) as queries:
            client.get("/gestion/personnes/")
        return len(queries), _timed(lambda: client.get("/gestion/personnes/"))

    few_queries, few_time = measure()
    users = User.objects.bulk_create(
        User(email=f"bench{i}@example.org", last_name=f"Bench {i:04d}") for i in range(1000)
    )
    RoleGrant.objects.bulk_create(RoleGrant(user=user, role=Role.ASSOCIATE) for user in users)
    many_queries, many_time = measure()
    return [
        ("queries, few people", str(few_queries)),
        ("queries, +1,000 people (page of 50)", str(many_queries)),
        ("time ratio 1,000 / few", f"{many_time / few_time:.2f}"),
    ]


from benchmarks import invoicing_bench, ledger_bench, pdf_bench  # noqa: E402, F401 - they register themselves
