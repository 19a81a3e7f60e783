"""Every row of every table, to show that a refused request changed nothing."""

from __future__ import annotations

from collections import defaultdict

from parley.models.store.db import current_connection

_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    "postgres": "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
}
# One round trip for all tables: SQLite's json_object needs the column names, so there
# each table is read on its own (in process, that costs little).
_ROWS = {
    "sqlite": 'SELECT * FROM "{table}"',
    "postgres": 'SELECT \'{table}\' AS "table", row_to_json(t)::text AS row FROM "{table}" t',
}


async def all_rows() -> dict[str, list[str]]:
    """Table name → its rows, each as text, sorted (so the order rows come back in is moot)."""
    db = current_connection()
    dialect = "sqlite" if db.capabilities.dialect == "sqlite" else "postgres"
    tables = sorted(row["name"] for row in await db.execute_query_dict(_TABLES[dialect]))
    state: dict[str, list[str]] = defaultdict(list)
    if dialect == "postgres":
        union = " UNION ALL ".join(_ROWS[dialect].format(table=table) for table in tables)
        for row in await db.execute_query_dict(union):
            state[row["table"]].append(row["row"])
    else:
        for table in tables:
            rows = await db.execute_query_dict(_ROWS[dialect].format(table=table))
            state[table] = [repr(sorted(row.items())) for row in rows]
    return {table: sorted(state[table]) for table in tables}
