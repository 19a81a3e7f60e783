"""Every row of every table, to show that a refused request changed nothing."""

from __future__ import annotations

from models.accounts import Account

_TABLES = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    "postgres": "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'",
}


async def all_rows() -> dict[str, list[str]]:
    """Table name → its rows, each as text, sorted (so the order rows come back in is moot)."""
    db = Account._meta.db
    dialect = "sqlite" if db.capabilities.dialect == "sqlite" else "postgres"
    tables = sorted(row["name"] for row in await db.execute_query_dict(_TABLES[dialect]))
    state: dict[str, list[str]] = {}
    for table in tables:
        rows = await db.execute_query_dict(f'SELECT * FROM "{table}"')
        state[table] = sorted(repr(sorted(row.items())) for row in rows)
    return state
