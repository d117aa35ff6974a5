"""PDF rendering with WeasyPrint: Django template → PDF/A-3b bytes.

Every printable document of the app (invoices, quotes, dunning letters, later attendance sheets, payslips,
monthly statements, the annual report) goes through :func:`render_pdf`, so they share one layout
(``templates/pdf/base.html`` + ``templates/pdf/pdf.css``) and one font set shipped with the app
(``coodyssee/fonts``): the same document looks the same on every machine, with or without system fonts.

Rendering reads local files only: an ``<img src>`` may be a ``data:`` URI or a file under the project, the
static or the media folder; any other URL is refused, so a document never waits on the network.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint.text.fonts import FontConfiguration

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
STYLESHEET = Path(settings.BASE_DIR) / "templates" / "pdf" / "pdf.css"

# Liberation Sans has Arial's metrics: tables stay aligned, the text reads like an ordinary business letter.
_FONT_FACES = "\n".join(
    f"@font-face {{ font-family: 'Coop Sans'; src: url('{(FONTS_DIR / file).as_uri()}'); "
    f"font-weight: {weight}; font-style: {style}; }}"
    for file, weight, style in (
        ("LiberationSans-Regular.ttf", 400, "normal"),
        ("LiberationSans-Bold.ttf", 700, "normal"),
        ("LiberationSans-Italic.ttf", 400, "italic"),
    )
)


class PdfRenderingError(RuntimeError):
    """A document could not be turned into a PDF (template or layout failure)."""


class _LocalFilesFetcher(weasyprint.URLFetcher):
    """Serves ``data:`` URIs and files below the project, static and media folders; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols=("file", "data"), timeout=2)
        roots = [settings.BASE_DIR, settings.MEDIA_ROOT, getattr(settings, "STATIC_ROOT", None)]
        self._roots = tuple(Path(root).resolve() for root in roots if root)

    def fetch(self, url, headers=None):
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not any(path.is_relative_to(root) for root in self._roots):
                raise ValueError(f"Fichier hors des dossiers de l'application : {path}")
        return super().fetch(url, headers)


MAX_PAGES = 500
_FORMATTING_WHITESPACE = re.compile(r">[ \t]*\n\s*<")
_IMAGE_CACHE_SIZE = 64

_cache = threading.local()


def _resources() -> tuple[FontConfiguration, weasyprint.CSS, _LocalFilesFetcher]:
    """Font configuration, parsed stylesheet and fetcher, built once per thread and reused.

    Parsing the stylesheet and loading the fonts is most of a cold render; a ``FontConfiguration`` is not
    thread-safe, hence one per thread (gunicorn threads, Celery worker threads). The stylesheet's
    modification time is part of the key so that editing pdf.css shows up without a restart.
    """
    stamp = STYLESHEET.stat().st_mtime_ns
    cached = getattr(_cache, "resources", None)
    if cached is None or cached[0] != stamp:
        font_config = FontConfiguration()
        fetcher = _LocalFilesFetcher()
        css = weasyprint.CSS(
            string=_FONT_FACES + "\n" + STYLESHEET.read_text(encoding="utf-8"),
            base_url=str(STYLESHEET.parent),
            font_config=font_config,
            url_fetcher=fetcher,
        )
        cached = (stamp, font_config, css, fetcher, {})
        _cache.resources = cached
    return cached[1], cached[2], cached[3]


def _image_cache() -> dict:
    """Decoded images (the logo) kept between renders of this thread, emptied if it grows."""
    images = _cache.resources[4]
    if len(images) > _IMAGE_CACHE_SIZE:
        images.clear()
    return images


def render_html(template_name: str, context: dict) -> str:
    """The document's HTML, rendered in the cooperative's language whatever the caller's context."""
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(template_name, context)


def render_pdf(
    template_name: str,
    context: dict,
    *,
    pdf_variant: str | None = "pdf/a-3b",
    base_url: str | Path | None = None,
    max_pages: int = MAX_PAGES,
) -> bytes:
    """Render a template extending ``pdf/base.html`` into PDF bytes.

    The title, author, subject and language of the PDF come from the template (``<title>``, ``<meta
    name=author>``, ``<meta name=description>``, ``<html lang>``). ``pdf_variant=None`` gives a plain PDF,
    quicker, for previews that are never stored. Safe to call from a request or from a Celery task: it
    needs no request and keeps no state between documents except the cached fonts and stylesheet.
    A layout longer than ``max_pages`` is refused rather than written (a runaway template must not fill a
    worker's memory and disk).
    """
    # Indentation between tags is template formatting, not content; dropping it spares the HTML parser and
    # the layout a few hundred empty text boxes (templates keep spaces that matter on one line).
    html = _FORMATTING_WHITESPACE.sub("><", render_html(template_name, context))
    font_config, stylesheet, fetcher = _resources()
    options = {"stylesheets": [stylesheet], "pdf_variant": pdf_variant, "cache": _image_cache()}
    try:
        document = weasyprint.HTML(
            string=html, base_url=str(base_url or settings.BASE_DIR), url_fetcher=fetcher
        ).render(font_config=font_config, **options)
    except Exception as error:  # WeasyPrint raises many kinds; callers need one.
        raise PdfRenderingError(f"Rendu PDF impossible ({template_name}) : {error}") from error
    if len(document.pages) > max_pages:
        raise PdfRenderingError(
            f"{template_name} : {len(document.pages)} pages, plus que les {max_pages} permises"
        )
    try:
        return document.write_pdf(**options)
    except Exception as error:
        raise PdfRenderingError(f"Écriture PDF impossible ({template_name}) : {error}") from error


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_to_png_pages(
    pdf_bytes: bytes, out_dir: str | Path, *, prefix: str = "page", dpi: int = 70
) -> list[Path]:
    """Rasterise every page with poppler's ``pdftoppm`` (tests and visual checks; not used in production).

    Returns the PNG paths in page order: ``<prefix>-1.png``, ``<prefix>-2.png``…
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob(f"{prefix}-*.png"):
        old.unlink()
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-", str(out_dir / prefix)],
        input=pdf_bytes,
        check=True,
        capture_output=True,
        timeout=60,
    )
    pages = sorted(out_dir.glob(f"{prefix}-*.png"), key=lambda path: int(path.stem.rsplit("-", 1)[1]))
    return pages


def pdf_to_text(pdf_bytes: bytes) -> str:
    """The PDF's text in reading layout, with poppler's ``pdftotext`` (tests and visual checks)."""
    result = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"],
        input=pdf_bytes,
        check=True,
        capture_output=True,
        timeout=60,
    )
    return result.stdout.decode("utf-8")
