"""Pages of invoicing: ``backoffice`` (support team), ``portal`` (entrepreneur), ``downloads`` (PDFs)."""
