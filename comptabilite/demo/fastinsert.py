"""Insert thousands of demo rows quickly: one ``executemany`` or ``COPY`` per table, not ``bulk_create``.

``bulk_create`` prepares every value through the SQL compiler and, on SQLite, sends about ten
invoices per statement (999 variables, ~85 columns): ~10 s for the demo. This sends the rows with
``executemany`` on SQLite and ``COPY`` on PostgreSQL, in about a second. Like ``bulk_create`` it
calls no ``save()`` and sends no signal; it is for the demo loader only, which builds documents already
in their final state. Primary keys are assigned here (the loader runs in one transaction, alone) and
PostgreSQL's sequences are moved past them.
"""

from __future__ import annotations

from django.core.management.color import no_style
from django.db import connections, router
from django.db.models import DateField, DateTimeField, DecimalField, JSONField, Max, Model
from django.db.models.fields.files import FileField
from django.utils import timezone


def _converter(field, connection):
    ops = connection.ops
    if isinstance(field, DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, DateField):
        return ops.adapt_datefield_value
    if isinstance(field, DecimalField):
        return lambda value: ops.adapt_decimalfield_value(value, field.max_digits, field.decimal_places)
    if isinstance(field, JSONField | FileField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def fast_insert(model: type[Model], objects: list[Model]) -> None:
    """Insert ``objects`` (unsaved instances of ``model``) and set their primary keys."""
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    start = (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1
    now = timezone.now()
    fields = list(meta.concrete_fields)
    converters = [_converter(field, connection) for field in fields]
    stamped = [
        field
        for field in fields
        if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add)
    ]
    for number, obj in enumerate(objects):
        obj.pk = start + number
        for field in stamped:
            if field.auto_now or getattr(obj, field.attname) is None:
                setattr(obj, field.attname, now)
        obj._prepare_related_fields_for_save(operation_name="fast_insert")
        obj._state.adding = False
        obj._state.db = connection.alias
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"
    attnames = [field.attname for field in fields]
    rows = [
        [
            value if convert is None or value is None else convert(value)
            for value, convert in zip((getattr(obj, name) for name in attnames), converters, strict=True)
        ]
        for obj in objects
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one command: far quicker than executemany or huge INSERTs.
            with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for offset in range(0, len(rows), 2000):
                cursor.executemany(sql, rows[offset : offset + 2000])
        for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(statement)
