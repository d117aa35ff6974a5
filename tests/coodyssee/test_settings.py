"""Settings come from the environment; a bad value stops start-up with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from coodyssee.env import check_redis_url, env_bool, env_int, env_list, parse_database_url

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k3y-for-the-deploy-check-test-" + "x1y2z3" * 8,
    "ALLOWED_HOSTS": "cae.example.org",
    "EMAIL_HOST": "smtp.example.org",
    "DATABASE_URL": "sqlite:///var/deploy-check.sqlite3",
}


def run_manage(*args, env_overrides: dict[str, str], drop: tuple[str, ...] = ()):
    env = {
        key: value for key, value in os.environ.items() if key not in drop and not key.startswith("DJANGO_")
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("reader", "raw", "message"),
    [
        (lambda env: env_bool("DEBUG", False, env), "peut-être", "DEBUG: expected a boolean"),
        (lambda env: env_int("EMAIL_PORT", 25, env), "vingt-cinq", "EMAIL_PORT: expected a whole number"),
        (lambda env: env_list("ALLOWED_HOSTS", [], env), "a.fr,,b.fr", "ALLOWED_HOSTS: expected a comma"),
    ],
)
def test_malformed_value_is_refused_with_the_variable_name(reader, raw, message):
    name = message.split(":")[0]
    with pytest.raises(ImproperlyConfigured, match=message):
        reader({name: raw})


def test_database_url_postgres_and_sqlite_are_parsed(tmp_path):
    config = parse_database_url("postgres://app:s%40cret@db.local:5433/cae?sslmode=require", tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("cae", "app", "s@cret")
    assert (config["HOST"], config["PORT"], config["OPTIONS"]) == ("db.local", "5433", {"sslmode": "require"})
    assert parse_database_url("sqlite:///var/x.sqlite3", tmp_path)["NAME"] == str(tmp_path / "var/x.sqlite3")


@pytest.mark.parametrize(
    "url", ["mysql://root@localhost/db", "postgres://localhost", "postgres://h:port/db", "sqlite://"]
)
def test_bad_database_url_is_refused(url, tmp_path):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url(url, tmp_path)


@pytest.mark.parametrize("url", ["http://localhost:6379", "redis://", "redis://host:notaport/0"])
def test_bad_redis_url_is_refused(url):
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL"):
        check_redis_url(url)


def test_malformed_variable_stops_manage_py_with_its_name():
    result = run_manage("check", env_overrides={"EMAIL_PORT": "abc", "EMAIL_HOST": "smtp.example.org"})
    assert result.returncode != 0
    assert "EMAIL_PORT: expected a whole number" in result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = dict(PRODUCTION_ENV)
    del env["SECRET_KEY"]
    result = run_manage("check", env_overrides=env, drop=("SECRET_KEY",))
    assert result.returncode != 0
    assert "SECRET_KEY: required when DJANGO_ENV=production" in result.stderr


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env_overrides=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_development_defaults_need_no_variable():
    code = (
        "from django.conf import settings as s; "
        "print(s.DJANGO_ENV, s.EMAIL_BACKEND.rsplit('.', 2)[-2], s.CELERY_TASK_ALWAYS_EAGER, "
        "s.DATABASES['default']['NAME'].endswith('var/db.sqlite3'))"
    )
    result = run_manage("shell", "-c", code, env_overrides={}, drop=("SECRET_KEY", "EMAIL_HOST"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "development console True True"


def test_numbers_in_templates_have_no_thousand_separator():
    # Ids in links and form values, and years, must never render as "3 864" (a PostgreSQL run found it).
    from django.template import engines

    template = engines["django"].from_string('<a href="?activity={{ pk }}">{{ year }}</a>')
    assert template.render({"pk": 3864, "year": 2017}) == '<a href="?activity=3864">2017</a>'
