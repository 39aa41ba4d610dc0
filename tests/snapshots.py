"""Table snapshots, for proving that a second seed_demo run changes no row."""

from django.db import connection


def table_snapshot(prefix: str, *extra_tables: str) -> dict[str, list[tuple]]:
    """Every row of every table whose name starts with `prefix` (and of the extra tables),
    in id order."""
    tables = sorted(
        name for name in connection.introspection.table_names() if name.startswith(prefix)
    )
    rows = {}
    with connection.cursor() as cursor:
        for table in [*tables, *extra_tables]:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY id")
            rows[table] = cursor.fetchall()
    return rows
