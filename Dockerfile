# syntax=docker/dockerfile:1
# Image de production de Coodyssée : une seule image pour web (gunicorn), worker et beat (Celery).
# Production image: one image for web (gunicorn), worker and beat (Celery). See docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint (PDF) loads Pango, HarfBuzz and fontconfig at import time; the fonts are those the PDFs use.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

# Unprivileged account that runs every process of the image; the code itself stays owned by root.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home --shell /usr/sbin/nologin app

# Dependencies first (their layer is reused while requirements.lock is unchanged), every file checked
# against the hashes of the pip-compile lock. The lock's --extra-index-url/--find-links lines point to
# directories of the developers' machines: absent here, pip only warns and installs from PyPI.
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install --require-hashes -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

WORKDIR /app
COPY . /app

# STATIC_ROOT is where collectstatic writes below and where WhiteNoise reads at run time: both must agree,
# so docker-compose.yml pins it (and MEDIA_ROOT, the mount point of the media volume) to these values.
ENV DJANGO_ENV=production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# Production settings refuse to load without SECRET_KEY, ALLOWED_HOSTS and EMAIL_HOST: collectstatic gets
# dummy build-only values for this RUN alone (they are not kept in the image) and touches no database.
RUN SECRET_KEY="build-only-collectstatic-key-not-a-secret-0123456789abcdefghij" \
    ALLOWED_HOSTS="build.invalid" \
    EMAIL_HOST="build.invalid" \
    DATABASE_URL="sqlite:////tmp/build-unused.sqlite3" \
    python manage.py collectstatic --no-input \
    && python -m coodyssee.syscheck \
    && python -m compileall -q /app \
    && install -d -o app -g app -m 0755 /data/media \
    && install -d -o app -g app -m 0700 /data/private

USER app
EXPOSE 8000

# Readiness: /healthz answers 200 when PostgreSQL (and Redis) answer. curl is not in slim: Python's urllib.
HEALTHCHECK --interval=30s --timeout=10s --start-period=40s --retries=3 \
    CMD ["/opt/venv/bin/python", "/app/deploy/healthcheck.py"]

ENTRYPOINT ["/bin/sh", "/app/deploy/entrypoint.sh"]
CMD ["gunicorn", "--config", "/app/deploy/gunicorn.conf.py", "coodyssee.wsgi"]
