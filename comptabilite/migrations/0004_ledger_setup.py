"""The default chart of accounts, journals and sections; a section for every existing activity; database
triggers that make posted entries and their lines immutable even from raw SQL (UPDATE everywhere, DELETE on
PostgreSQL — Django empties SQLite test databases with DELETE)."""

from django.db import migrations

MESSAGE = "posted entry: it cannot be changed or deleted, post a reversing entry"
TABLES = ("comptabilite_entry", "comptabilite_entryline")

POSTGRESQL = [
    f"""
    CREATE OR REPLACE FUNCTION comptabilite_entry_guard() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    *(
        f"CREATE TRIGGER {table}_guard BEFORE UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION comptabilite_entry_guard();"
        for table in TABLES
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_guard ON {table};" for table in TABLES),
    "DROP FUNCTION IF EXISTS comptabilite_entry_guard();",
]
SQLITE = [
    f"CREATE TRIGGER {table}_guard BEFORE UPDATE ON {table} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
    for table in TABLES
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {table}_guard;" for table in TABLES]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement, params=None)

    return run


def install_chart(apps, schema_editor):
    from comptabilite.ledger import chart

    Section = apps.get_model("comptabilite", "AnalyticSection")
    chart.install(apps.get_model("comptabilite", "Account"), apps.get_model("comptabilite", "Journal"), Section)
    Activity = apps.get_model("entrepreneurs", "Activity")
    Section.objects.bulk_create(
        [Section(code=a.code, name=a.name, activity_id=a.pk) for a in Activity.objects.all()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("comptabilite", "0003_ledger"), ("entrepreneurs", "0001_initial")]

    operations = [
        migrations.RunPython(install_chart, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
