"""Every error newsledger raises on purpose. A user sees what went wrong, where, and what to do."""

from __future__ import annotations


class NewsledgerError(Exception):
    """Base class: the message says what went wrong and what to do about it."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None, hint: str | None = None):
        self.message = message
        self.source = source
        self.line = line
        self.hint = hint
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = ""
        if self.source:
            where = f"{self.source}:{self.line}: " if self.line else f"{self.source}: "
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class InputError(NewsledgerError):
    """An input file, line or record cannot be read as an article."""


class StoreError(NewsledgerError):
    """The ledger database cannot be opened, migrated or written."""


class StaleSchemaError(StoreError):
    """A ledger opened for reading has an older schema: it must be opened for writing once (upgraded)."""


class DataFileError(NewsledgerError):
    """A bundled or user-supplied knowledge file (lexicon, gazetteer, gold set) is malformed."""


class QueryError(NewsledgerError):
    """A filter, date or option given by the user is invalid."""


class SystemFailure(NewsledgerError):
    """The machine refused: the disk is full, a file or folder is read-only or missing, the database
    file is corrupt. Nothing is wrong with the input; the hint says what to fix (exit code 3)."""
