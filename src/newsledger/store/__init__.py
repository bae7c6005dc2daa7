"""The ledger store: one interface, SQLite by default (one file), schema by ordered migrations."""

from __future__ import annotations

import os
from pathlib import Path

from .sqlite import ArticleFilter, ArticleRecord, MentionFilter, SQLiteStore, Stats

ENV_VAR = "NEWSLEDGER_DB"

__all__ = ["ArticleFilter", "ArticleRecord", "MentionFilter", "SQLiteStore", "Stats", "default_db", "open_store", "ENV_VAR"]


def default_db() -> str:
    """$NEWSLEDGER_DB, else $XDG_DATA_HOME/newsledger/ledger.db (~/.local/share/...)."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "newsledger" / "ledger.db")


def open_store(location: str | None = None, *, readonly: bool = False) -> SQLiteStore:
    """Open (creating and migrating as needed) the store at `location`: a path or sqlite:///path.
    `readonly` opens an existing, current ledger for reading only (the web app's connections)."""
    location = location or default_db()
    if location.startswith("sqlite:///"):
        location = location[len("sqlite:///"):]
    return SQLiteStore(location, readonly=readonly)
