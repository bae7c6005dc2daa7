"""The ledger store: one interface, two backends (SQLite by default, one file; PostgreSQL for a
shared server), the same schema through the same ordered migrations."""

from __future__ import annotations

import os
from pathlib import Path

from .base import ArticleFilter, ArticleMatch, ArticleRecord, ArticleRow, MentionFilter, Stats, Store, TextMatch
from .sqlite import SQLiteStore

ENV_VAR = "NEWSLEDGER_DB"

__all__ = ["ArticleFilter", "ArticleMatch", "ArticleRecord", "ArticleRow", "MentionFilter", "SQLiteStore", "Stats", "Store",
           "TextMatch", "default_db",
           "is_server_url", "open_reader", "open_store", "ENV_VAR"]


def default_db() -> str:
    """$NEWSLEDGER_DB, else $XDG_DATA_HOME/newsledger/ledger.db (~/.local/share/...)."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "newsledger" / "ledger.db")


def is_server_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def open_store(location: str | None = None, *, readonly: bool = False) -> Store:
    """Open (creating and migrating as needed) the store at `location`: a path, sqlite:///path, or
    postgresql://user:password@host/db. `readonly` opens an existing, current ledger for reading
    only (the web app's connections)."""
    location = location or default_db()
    if is_server_url(location):
        from .postgres import PostgresStore

        return PostgresStore(location, readonly=readonly)
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    return SQLiteStore(location, readonly=readonly)


def open_reader(location: str | None = None) -> Store:
    """Open an existing ledger for reading only (what read commands use: they work on a read-only file
    or folder and never write). A ledger of an older schema is upgraded once first."""
    from ..exceptions import StaleSchemaError

    location = location or default_db()
    try:
        return open_store(location, readonly=True)
    except StaleSchemaError:
        open_store(location).close()
        return open_store(location, readonly=True)
