"""newsledger: a source-linked ledger of PLOVER events from dated news articles.

The public Python API; the `newsledger` command is a thin layer over these functions.
"""

from .exceptions import DataFileError, InputError, NewsledgerError, QueryError, StoreError
from .extract.run import ExtractReport, extract_pending
from .ingest import IngestReport, ingest
from .model import Article, Attribution, Entity, Event, Mention, Place, Quantity, Rejection, Span, TimeValue
from .merge import MergeReport, merge_pending
from .posture import HostPosture, build_posture
from .readers import ReadOptions, read_paths
from .timeline import TimelineEntry, build_timeline
from .store import ArticleFilter, MentionFilter, open_store

__all__ = [
    "Article", "ArticleFilter", "Attribution", "DataFileError", "Entity", "Event", "ExtractReport", "HostPosture",
    "IngestReport", "InputError", "Mention", "MentionFilter", "MergeReport", "NewsledgerError", "Place", "Quantity",
    "QueryError", "ReadOptions", "Rejection", "Span", "StoreError", "TimeValue", "TimelineEntry", "build_posture",
    "build_timeline", "extract_pending", "ingest", "merge_pending", "open_store", "read_paths",
]
