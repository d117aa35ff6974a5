"""Database triggers: an issued invoice or credit note, and its lines, refuse changes even from raw SQL.

The application refuses them first (``comptabilite.models.documents``); these triggers are the last line.
PostgreSQL compares the whole row except the columns that may change after issue (payment summary, the
PDF stored once, the timestamp), so a column added later is frozen by default. SQLite lists the frozen
columns and does not guard DELETE, because Django empties SQLite test databases with DELETE statements.
"""

from django.db import migrations

MUTABLE = ("amount_paid", "amount_credited", "pdf", "pdf_sha256", "updated_at")
FROZEN_COLUMNS = (
    "kind",
    "status",
    "activity_id",
    "entrepreneur_id",
    "customer_id",
    "quote_id",
    "credited_invoice_id",
    "number",
    "series",
    "year",
    "sequence",
    "date",
    "service_date",
    "due_date",
    "subject",
    "notes",
    "operation_category",
    "purchase_order_ref",
    "delivery_address",
    "payment_terms_days",
    "payment_terms_end_of_month",
    "early_payment_discount",
    "late_penalty_rate",
    "recovery_indemnity",
    "vat_on_debits",
    "vat_exemption",
    "return_comment",
    "total_ht",
    "total_vat",
    "total_ttc",
    "vat_breakdown",
    "seller_name",
    "seller_legal_form",
    "seller_share_capital",
    "seller_siren",
    "seller_siret",
    "seller_rcs",
    "seller_vat_number",
    "seller_ape_code",
    "seller_address",
    "seller_postcode",
    "seller_city",
    "seller_country",
    "seller_email",
    "seller_phone",
    "seller_iban",
    "seller_bic",
    "buyer_kind",
    "buyer_name",
    "buyer_address_line1",
    "buyer_address_line2",
    "buyer_postcode",
    "buyer_city",
    "buyer_country",
    "buyer_siren",
    "buyer_siret",
    "buyer_vat_number",
    "buyer_email",
    "created_by_id",
    "created_at",
    "submitted_at",
    "submitted_by_id",
    "controlled_at",
    "controlled_by_id",
    "issued_at",
    "issued_by_id",
    "is_imported",
)
MESSAGE = "issued invoice or credit note: it cannot be changed or deleted"

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION comptabilite_invoice_guard() RETURNS trigger AS $$
    BEGIN
        IF OLD.status <> 'issued' THEN
            IF TG_OP = 'DELETE' THEN
                RETURN OLD;
            END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF (to_jsonb(NEW) - ARRAY{list(MUTABLE)}) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY{list(MUTABLE)})
           OR (OLD.pdf <> '' AND NEW.pdf IS DISTINCT FROM OLD.pdf)
           OR (OLD.pdf_sha256 <> '' AND NEW.pdf_sha256 IS DISTINCT FROM OLD.pdf_sha256) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER comptabilite_invoice_guard BEFORE UPDATE OR DELETE ON comptabilite_invoice
    FOR EACH ROW EXECUTE FUNCTION comptabilite_invoice_guard();
    """,
    f"""
    CREATE OR REPLACE FUNCTION comptabilite_invoiceline_guard() RETURNS trigger AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM comptabilite_invoice WHERE id = OLD.invoice_id AND status = 'issued')
           OR (TG_OP = 'UPDATE' AND EXISTS (
               SELECT 1 FROM comptabilite_invoice WHERE id = NEW.invoice_id AND status = 'issued')) THEN
            RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END;
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER comptabilite_invoiceline_guard BEFORE UPDATE OR DELETE ON comptabilite_invoiceline
    FOR EACH ROW EXECUTE FUNCTION comptabilite_invoiceline_guard();
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS comptabilite_invoice_guard ON comptabilite_invoice;",
    "DROP FUNCTION IF EXISTS comptabilite_invoice_guard();",
    "DROP TRIGGER IF EXISTS comptabilite_invoiceline_guard ON comptabilite_invoiceline;",
    "DROP FUNCTION IF EXISTS comptabilite_invoiceline_guard();",
]

_changed = " OR ".join(f'NEW."{column}" IS NOT OLD."{column}"' for column in FROZEN_COLUMNS)
SQLITE = [
    f"""
    CREATE TRIGGER comptabilite_invoice_guard BEFORE UPDATE ON comptabilite_invoice
    FOR EACH ROW WHEN OLD.status = 'issued' AND (
        {_changed}
        OR (OLD.pdf <> '' AND NEW.pdf IS NOT OLD.pdf)
        OR (OLD.pdf_sha256 <> '' AND NEW.pdf_sha256 IS NOT OLD.pdf_sha256)
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER comptabilite_invoiceline_guard BEFORE UPDATE ON comptabilite_invoiceline
    FOR EACH ROW WHEN EXISTS (
        SELECT 1 FROM comptabilite_invoice WHERE id IN (OLD.invoice_id, NEW.invoice_id) AND status = 'issued'
    )
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS comptabilite_invoice_guard;",
    "DROP TRIGGER IF EXISTS comptabilite_invoiceline_guard;",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("comptabilite", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        )
    ]
