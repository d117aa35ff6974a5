"""PDF downloads: issued documents as stored (rendered once, on first download if needed), previews of
drafts marked "BROUILLON", quotes and reminder letters. Rendering belongs to ``comptabilite.documents``."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from comptabilite import documents, selectors
from comptabilite.models import DunningLog
from comptabilite.views._common import invoice_filename, pdf_response
from coodyssee.permissions import permission


def _invoice_pdf(request, pk):
    invoice = selectors.access_invoice(request.user, pk)
    # ?apercu=1 shows it in the page (the control screen's preview); otherwise a download.
    return pdf_response(
        documents.invoice_pdf_bytes(invoice),
        invoice_filename(invoice),
        inline=bool(request.GET.get("apercu")),
    )


@permission("invoicing.view")
def invoice_pdf(request, pk):
    return _invoice_pdf(request, pk)


@permission("portal.invoicing")
def portal_invoice_pdf(request, pk):
    return _invoice_pdf(request, pk)


@permission("portal.invoicing")
def portal_quote_pdf(request, pk):
    quote = selectors.access_quote(request.user, pk)
    return pdf_response(documents.render_quote_pdf(quote), f"devis-{quote.number}.pdf")


@permission("dunning.run")
def dunning_letter_pdf(request, pk):
    log = get_object_or_404(DunningLog.objects.select_related("invoice"), pk=pk)
    return pdf_response(
        documents.render_dunning_letter(log.pk), f"relance-{log.invoice.number}-{log.level_id}.pdf"
    )
