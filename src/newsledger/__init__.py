"""newsledger: a source-linked ledger of PLOVER events from dated news articles.

The public Python API; the `newsledger` command is a thin layer over these functions.
"""

from .exceptions import DataFileError, InputError, NewsledgerError, QueryError, StoreError
from .extract.run import ExtractReport, extract_pending
from .ingest import IngestReport, ingest
from .model import Article, Attribution, Entity, Mention, Place, Quantity, Rejection, Span, TimeValue
from .readers import ReadOptions, read_paths
from .store import ArticleFilter, MentionFilter, open_store

__all__ = [
    "Article", "ArticleFilter", "Attribution", "DataFileError", "Entity", "ExtractReport", "IngestReport",
    "InputError", "Mention", "MentionFilter", "NewsledgerError", "Place", "Quantity", "QueryError", "ReadOptions",
    "Rejection", "Span", "StoreError", "TimeValue", "extract_pending", "ingest", "open_store", "read_paths",
]
