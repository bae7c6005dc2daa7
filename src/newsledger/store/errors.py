"""What a database or file error means for the user: one message naming the file and the fix."""

from __future__ import annotations

import errno
import sqlite3

from ..exceptions import SystemFailure

_SQLITE = [  # (part of SQLite's message, what it means, what to do)
    ("disk is full", "the disk holding the database is full",
     "free space on that disk or pass --db with a file on another disk, then run the command again: "
     "what was committed is kept"),
    ("readonly database", "the database file (or its folder) is read-only",
     "make the file and its folder writable, or copy the file elsewhere and pass --db"),
    ("malformed", "the database file is corrupt",
     "restore it from a backup, or recover what is left with `sqlite3 FILE .recover | sqlite3 NEW.db` and pass "
     "--db NEW.db; newsledger does not write into it"),
    ("not a database", "the file is not an SQLite database (or is corrupt)",
     "pass --db with the ledger's file, or a new path to start a ledger"),
    ("unable to open", "the database file cannot be opened",
     "check that its folder exists and is readable (and writable, for commands that write)"),
    ("disk i/o error", "the disk failed to read or write the database",
     "check the disk (dmesg, free space) and run the command again"),
]
_ERRNO = {
    errno.ENOENT: ("the folder does not exist", "create it first, or choose another path"),
    errno.ENOSPC: ("the disk is full", "free space on that disk, or choose a path on another disk"),
    errno.EDQUOT: ("the disk quota is exceeded", "free space, or choose a path on another disk"),
    errno.EACCES: ("permission denied", "choose a path you may write to"),
    errno.EPERM: ("permission denied", "choose a path you may write to"),
    errno.EROFS: ("the file system is read-only", "choose a path on a writable disk"),
    errno.EISDIR: ("it is a folder", "give a file name"),
}


def explain(exc: BaseException, location: str) -> SystemFailure | None:
    """A SystemFailure for a database error at `location` or a file error (which names its own file),
    or None when `exc` is neither (a bug: let it show)."""
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc).lower()
        for needle, what, hint in _SQLITE:
            if needle in text:
                return SystemFailure(what, source=location, hint=hint)
        return SystemFailure(f"database error: {exc}", source=location, hint="run `newsledger check`")
    if isinstance(exc, OSError) and exc.errno in _ERRNO:
        what, hint = _ERRNO[exc.errno]
        return SystemFailure(f"cannot write or read here: {what}", source=exc.filename or location, hint=hint)
    if type(exc).__module__.startswith("psycopg") and "DiskFull" in type(exc).__name__:
        return SystemFailure("the PostgreSQL server's disk is full", source=location,
                             hint="free space on the server, then run the command again")
    return None
