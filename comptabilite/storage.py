"""Where issued PDFs are kept: a folder that no web server publishes.

Downloads go through a view that checks access (``selectors.access_invoice``); the storage has no URL.
The folder is ``settings.PRIVATE_MEDIA_ROOT`` when set, else ``MEDIA_ROOT/private`` — in that case the
reverse proxy must not serve ``/media/private/`` (deploy/nginx.conf).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible(path="comptabilite.storage.PrivateDocumentsStorage")
class PrivateDocumentsStorage(FileSystemStorage):
    # Plain properties, read at each use: the setting may change (tests, per-deployment overrides).
    @property
    def base_location(self):
        root = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return str(root) if root else str(Path(settings.MEDIA_ROOT) / "private")

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Private documents have no public URL: serve them through an access-checked view.")


private_documents_storage = PrivateDocumentsStorage()
