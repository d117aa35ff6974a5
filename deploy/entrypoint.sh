#!/bin/sh
# Point d'entrée de l'image Coodyssée : vérifie que le dossier des médias est accessible en écriture,
# puis exécute la commande (gunicorn par défaut, celery worker/beat ou manage.py dans docker-compose.yml).
# Entrypoint of the image: check that the media directory is writable, then exec the command.
set -eu

if [ -n "${MEDIA_ROOT:-}" ] && [ -d "$MEDIA_ROOT" ] && [ ! -w "$MEDIA_ROOT" ]; then
    echo "MEDIA_ROOT ($MEDIA_ROOT) n'est pas accessible en écriture pour l'utilisateur $(id -un) (uid $(id -u))." >&2
    echo "MEDIA_ROOT ($MEDIA_ROOT) is not writable by $(id -un) (uid $(id -u)). Fix the volume once with:" >&2
    echo "  docker compose run --rm --no-deps --user root --entrypoint chown web -R app:app $MEDIA_ROOT" >&2
    exit 1
fi

exec "$@"
