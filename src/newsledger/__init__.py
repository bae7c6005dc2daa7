"""newsledger: a source-linked ledger of PLOVER events from dated news articles.

The public Python API; the `newsledger` command is a thin layer over these functions. Names are
imported on first use (PEP 562), so that `import newsledger` (and the web server's start) does not
load the extractor's language model stack until something needs it.
"""

from __future__ import annotations

from importlib import import_module

_WHERE = {
    "exceptions": ["DataFileError", "InputError", "NewsledgerError", "QueryError", "StoreError"],
    "extract.run": ["ExtractReport", "extract_pending"],
    "ingest": ["IngestReport", "ingest"],
    "model": ["Article", "Attribution", "Entity", "Event", "Mention", "Place", "Quantity", "Rejection", "Span",
              "TimeValue"],
    "merge": ["MergeReport", "merge_pending"],
    "posture": ["HostPosture", "build_posture", "build_review"],
    "readers": ["ReadOptions", "read_paths"],
    "timeline": ["TimelineEntry", "build_timeline"],
    "store": ["ArticleFilter", "MentionFilter", "open_store"],
}
_MODULE = {name: module for module, names in _WHERE.items() for name in names}

__all__ = sorted(_MODULE)


def __getattr__(name: str):
    if name not in _MODULE:
        raise AttributeError(f"module 'newsledger' has no attribute {name!r}")
    value = getattr(import_module(f".{_MODULE[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
