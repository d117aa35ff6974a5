"""The general ledger: chart (``chart``), account families (``families``), posting (``posting``), automatic
postings of documents, payments and expenses (``automatic``), the bulk loader (``bulk``) and the summaries'
rebuild (``summaries``)."""
