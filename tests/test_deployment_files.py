"""The deployment files agree with the code they deploy (no Docker needed: these are text checks).

- .env.example documents exactly the variables coodyssee/settings.py reads: adding one to the settings
  without documenting it fails here;
- docker-compose.yml has its services, one image for web/worker/beat, the shared media volume;
- the Dockerfile installs the hashed lock and its build-only values satisfy the production settings.

PyYAML is not a dependency, so docker-compose.yml is read as text: it keeps a regular layout (services
indented by two spaces, their keys by four, one key per line), which these helpers rely on.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "coodyssee" / "settings.py"
ENV_EXAMPLE = ROOT / ".env.example"
COMPOSE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
DEPLOY = ROOT / "deploy"

APP_SERVICES = ("migrate", "web", "worker", "beat")
DOCKER_SECTION_MARKER = "# === Docker Compose"
ENV_LINE = re.compile(r"^(#\s?)?([A-Z][A-Z0-9_]*)=(.*)$")


# --- helpers -----------------------------------------------------------------------------------------


def settings_variables() -> set[str]:
    """Names that settings.py reads through coodyssee.env's readers (or os.environ, should it ever)."""
    text = SETTINGS.read_text(encoding="utf-8")
    pattern = r'(?:\benv_\w+\(|os\.environ\.get\(|os\.getenv\(|os\.environ\[)\s*"([A-Z][A-Z0-9_]*)"'
    return set(re.findall(pattern, text))


def env_example_lines() -> tuple[list[str], list[str]]:
    """The Django part and the docker-compose-only part of .env.example, as lists of lines."""
    text = ENV_EXAMPLE.read_text(encoding="utf-8")
    django_part, marker, docker_part = text.partition(DOCKER_SECTION_MARKER)
    assert marker, f".env.example must have a section starting with {DOCKER_SECTION_MARKER!r}"
    return django_part.splitlines(), docker_part.splitlines()


def declared(lines: list[str]) -> list[tuple[str, str, bool]]:
    """(name, value, active) for each `NAME=value` or commented `# NAME=value` line."""
    found = []
    for line in lines:
        match = ENV_LINE.match(line)
        if match:
            found.append((match[2], match[3], match[1] is None))
    return found


def compose_services() -> dict[str, str]:
    """Service name → the text of its definition."""
    text = COMPOSE.read_text(encoding="utf-8")
    section = re.search(r"^services:[ \t]*\n(.*?)(?=^[a-z]|\Z)", text, re.M | re.S)
    assert section, "docker-compose.yml has no top-level services: key"
    parts = re.split(r"^  ([a-z][\w-]*):[ \t]*\n", section[1], flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def service_key(body: str, key: str) -> str | None:
    """The inline value of a four-space-indented key of a service, '' for a block, None if absent."""
    match = re.search(rf"^    {re.escape(key)}:[ \t]*(.*)$", body, re.M)
    return match[1].strip() if match else None


def service_block(body: str, key: str) -> str:
    """The lines nested under a four-space-indented key of a service."""
    match = re.search(rf"^    {re.escape(key)}:[ \t]*\n((?:      .*\n|[ \t]*\n)*)", body, re.M)
    return match[1] if match else ""


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    lines = [
        line
        for line in DOCKERFILE.read_text(encoding="utf-8").splitlines()
        if not line.lstrip().startswith("#")
    ]
    joined = re.sub(r"\\\n", " ", "\n".join(lines) + "\n")
    instructions = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            instructions.append((keyword.upper(), " ".join(arguments.split())))
    return instructions


def assignments(arguments: str) -> dict[str, str]:
    """KEY=value pairs at the start of a shell command or in an ENV instruction."""
    values = {}
    for word in shlex.split(arguments):
        match = re.fullmatch(r"([A-Z][A-Z0-9_]*)=(.*)", word)
        if not match:
            break
        values[match[1]] = match[2]
    return values


def boot_settings(environ: dict[str, str]) -> subprocess.CompletedProcess:
    """Load the settings in a fresh interpreter that sees only `environ` (plus PATH and HOME)."""
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG") if key in os.environ}
    env.update(environ, DJANGO_SETTINGS_MODULE="coodyssee.settings", PYTHONPATH=str(ROOT))
    code = "import django; django.setup(); from django.conf import settings; print(settings.DJANGO_ENV)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


# --- .env.example ------------------------------------------------------------------------------------


def test_settings_regex_finds_the_variables():
    assert {
        "DJANGO_ENV",
        "SECRET_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "CSRF_TRUSTED_ORIGINS",
    } <= settings_variables()


def test_env_example_documents_exactly_the_variables_settings_reads():
    django_lines, _ = env_example_lines()
    documented = {name for name, _, _ in declared(django_lines)}
    read = settings_variables()
    assert not read - documented, (
        f"read by settings.py, missing from .env.example: {sorted(read - documented)}"
    )
    assert not documented - read, f"in .env.example, not read by settings.py: {sorted(documented - read)}"


def test_env_example_declares_each_variable_once_under_a_comment():
    django_lines, docker_lines = env_example_lines()
    names = [name for name, _, _ in declared(django_lines + docker_lines)]
    assert len(names) == len(set(names)), (
        f"declared twice: {sorted({n for n in names if names.count(n) > 1})}"
    )
    for lines in (django_lines, docker_lines):
        for index, line in enumerate(lines):
            if ENV_LINE.match(line):
                above = lines[index - 1] if index else ""
                assert above.startswith("#") and not ENV_LINE.match(above), f"no comment above {line!r}"


def test_env_example_leaves_no_django_variable_empty():
    # An empty value is not "unset": it reads as false for a boolean and "" for a path or an address.
    django_lines, _ = env_example_lines()
    empty = [name for name, value, active in declared(django_lines) if active and not value.strip()]
    assert not empty, f"comment these out instead of leaving them empty: {empty}"


def test_env_example_compose_only_variables_are_used_by_the_deployment_and_not_by_django():
    _, docker_lines = env_example_lines()
    deployment_text = COMPOSE.read_text(encoding="utf-8") + "".join(
        path.read_text(encoding="utf-8") for path in sorted(DEPLOY.iterdir()) if path.is_file()
    )
    for name, _, _ in declared(docker_lines):
        assert name not in settings_variables(), (
            f"{name} is read by settings.py: move it to the Django section"
        )
        assert re.search(rf"\b{name}\b", deployment_text), (
            f"{name} is used neither by docker-compose.yml nor deploy/"
        )


def test_env_example_boots_production_settings_once_the_secret_is_generated():
    django_lines, _ = env_example_lines()
    environ = {name: value.strip() for name, value, active in declared(django_lines) if active}
    assert environ.get("DJANGO_ENV") == "production"

    placeholder = boot_settings(environ)
    assert placeholder.returncode != 0 and "SECRET_KEY" in placeholder.stderr, (
        "the placeholder key must be refused"
    )

    environ["SECRET_KEY"] = "generated-for-the-test-" + "abcdefghijklmnopqrstuvwxyz0123456789"
    result = boot_settings(environ)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"


# --- docker-compose.yml ------------------------------------------------------------------------------


def test_compose_has_the_services():
    assert {"db", "redis", "migrate", "web", "worker", "beat", "proxy"} <= set(compose_services())


def test_compose_backing_services_have_images_volumes_and_healthchecks():
    services = compose_services()
    assert service_key(services["db"], "image") == "postgres:15"
    assert service_key(services["redis"], "image") == "redis:7"
    for name in ("db", "redis"):
        assert service_block(services[name], "healthcheck").strip(), f"{name} needs a healthcheck"
        assert service_block(services[name], "volumes").strip(), f"{name} needs a volume for its data"
    assert "pg_isready" in services["db"]


def test_compose_application_services_share_one_image_and_the_env_file():
    services = compose_services()
    images = {service_key(services[name], "image") for name in APP_SERVICES}
    assert len(images) == 1 and None not in images, (
        f"web, worker, beat, migrate must share one image: {images}"
    )
    for name in APP_SERVICES:
        assert service_key(services[name], "build") == ".", f"{name} must build the image from the Dockerfile"
        assert service_key(services[name], "env_file") == ".env", f"{name} must read .env"


def test_compose_commands():
    services = compose_services()
    assert "migrate" in service_key(services["migrate"], "command")
    assert re.search(r'"gunicorn".*"coodyssee\.wsgi"', service_key(services["web"], "command"))
    assert re.search(r'"celery", "-A", "coodyssee", "worker"', service_key(services["worker"], "command"))
    beat = service_key(services["beat"], "command")
    assert re.search(r'"celery", "-A", "coodyssee", "beat"', beat)
    assert '"/tmp/' in beat, "beat's schedule file must be somewhere writable by the app user"


def test_compose_waits_for_healthy_dependencies_and_for_the_migrations():
    services = compose_services()
    for name in ("web", "worker"):
        depends = service_block(services[name], "depends_on")
        for dependency in ("db", "redis"):
            assert re.search(rf"^      {dependency}:\s*\n\s+condition: service_healthy", depends, re.M), (
                f"{name} must wait for a healthy {dependency}"
            )
    for name in ("web", "worker", "beat"):
        depends = service_block(services[name], "depends_on")
        assert re.search(r"^      migrate:\s*\n\s+condition: service_completed_successfully", depends, re.M)
    assert re.search(
        r"web:\s*\n\s+condition: service_healthy", service_block(services["proxy"], "depends_on")
    )


def test_compose_media_volume_is_shared_by_web_worker_and_proxy():
    services = compose_services()
    text = COMPOSE.read_text(encoding="utf-8")
    assert re.search(r"^volumes:\s*\n(?:  .*\n)*  media:", text, re.M), "media must be a named volume"
    for name in ("web", "worker"):
        body = services[name]
        mount = re.search(r"- media:(\S+)", service_block(body, "volumes"))
        assert mount, f"{name} must mount the media volume"
        media_root = re.search(r"MEDIA_ROOT: (\S+)", service_block(body, "environment"))
        assert media_root and media_root[1] == mount[1], f"{name}: MEDIA_ROOT must be the media mount point"
    proxy_mount = re.search(r"- media:(\S+):ro", service_block(services["proxy"], "volumes"))
    assert proxy_mount, "proxy must mount the media volume read-only"
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert re.search(rf"location /media/ \{{\s*alias {re.escape(proxy_mount[1].rstrip('/'))}/;", nginx)


def test_compose_stateless_services_can_be_scaled():
    services = compose_services()
    for name in ("web", "worker", "beat"):
        assert service_key(services[name], "container_name") is None, f"{name} cannot scale with a fixed name"
        assert service_key(services[name], "ports") is None, f"{name} cannot scale with a published port"
    assert service_key(services["proxy"], "ports") is not None


def test_compose_pins_static_root_to_the_image():
    dockerfile_env = {}
    for keyword, arguments in dockerfile_instructions():
        if keyword == "ENV":
            dockerfile_env.update(assignments(arguments))
    services = compose_services()
    for name in APP_SERVICES:
        static_root = re.search(r"STATIC_ROOT: (\S+)", service_block(services[name], "environment"))
        assert static_root and static_root[1] == dockerfile_env["STATIC_ROOT"], (
            f"{name}: STATIC_ROOT must be where the image's collectstatic wrote"
        )


def test_nginx_forwards_the_scheme_and_the_host():
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-Proto" in nginx
    assert "proxy_set_header Host $host;" in nginx
    assert "web:8000" in nginx


# --- Dockerfile ----------------------------------------------------------------------------------------


def test_dockerfile_base_image_and_system_libraries():
    instructions = dockerfile_instructions()
    assert instructions[0] == ("FROM", "python:3.11-slim-bookworm")
    run = " ".join(arguments for keyword, arguments in instructions if keyword == "RUN")
    # The packages that coodyssee.syscheck tells a developer to install, plus the fonts of the PDFs.
    syscheck = (ROOT / "coodyssee" / "syscheck.py").read_text(encoding="utf-8")
    hinted = re.search(r"apt-get install ([\w.\- ]+)", syscheck)[1].split()
    for package in [*hinted, "fonts-dejavu-core", "fonts-liberation"]:
        assert re.search(rf"(?<![\w.-]){re.escape(package)}(?![\w.-])", run), f"{package} is not installed"


def test_dockerfile_installs_the_hashed_lock():
    instructions = dockerfile_instructions()
    assert ("COPY", "requirements.lock /tmp/requirements.lock") in instructions
    assert any(
        keyword == "RUN" and re.search(r"pip install --require-hashes -r /tmp/requirements\.lock", arguments)
        for keyword, arguments in instructions
    )


def test_dockerfile_runs_as_an_unprivileged_user_with_healthcheck_and_gunicorn():
    instructions = dockerfile_instructions()
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must end as a non-root user"
    healthcheck = next(arguments for keyword, arguments in instructions if keyword == "HEALTHCHECK")
    assert "deploy/healthcheck.py" in healthcheck
    assert "/healthz" in (DEPLOY / "healthcheck.py").read_text(encoding="utf-8")
    cmd = next(arguments for keyword, arguments in reversed(instructions) if keyword == "CMD")
    assert '"gunicorn"' in cmd and '"coodyssee.wsgi"' in cmd
    env = {}
    for keyword, arguments in instructions:
        if keyword == "ENV":
            env.update(assignments(arguments))
    assert env["DJANGO_ENV"] == "production"


def test_dockerfile_build_only_values_satisfy_the_production_settings(tmp_path):
    # collectstatic runs at build time with DJANGO_ENV=production: the dummy values given to that RUN
    # must pass every production check of settings.py, or the image does not build.
    instructions = dockerfile_instructions()
    environ = {}
    for keyword, arguments in instructions:
        if keyword == "ENV":
            environ.update(assignments(arguments))
    collectstatic = next(arguments for keyword, arguments in instructions if "collectstatic" in arguments)
    environ.update(assignments(collectstatic))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST"} <= environ.keys()
    environ.update(STATIC_ROOT=str(tmp_path / "static"), MEDIA_ROOT=str(tmp_path / "media"))
    result = boot_settings({k: v for k, v in environ.items() if k not in ("PATH", "VIRTUAL_ENV")})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "production"


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = {line.strip() for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()}
    assert {".git", ".venv", "var", ".env"} <= ignored
    for needed in ("requirements.lock", "deploy", "manage.py", "coodyssee", "static", "templates"):
        assert needed not in ignored


# --- deploy/healthcheck.py -----------------------------------------------------------------------------


@pytest.fixture
def healthcheck_module():
    spec = importlib.util.spec_from_file_location("deploy_healthcheck", DEPLOY / "healthcheck.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        ("cae.example.org", "cae.example.org"),
        (".example.org,other.example.org", "example.org"),
        ("*, cae.example.org", "cae.example.org"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_healthcheck_presents_an_allowed_host(healthcheck_module, allowed_hosts, expected):
    assert healthcheck_module.host_header(allowed_hosts) == expected
