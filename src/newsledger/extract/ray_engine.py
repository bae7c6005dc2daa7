"""Extraction on Ray: the pending articles become a Ray Data dataset, `map_batches` runs them through
a pool of actors that each load the spaCy pipeline once, and this process (the driver) writes the
results to the store COMMIT_EVERY articles per transaction, as the local engine does, so an
interrupted run resumes where it stopped and the ledger is the same as a local run's.

Mentions travel back pickled: the records are plain dataclasses, so they arrive exactly as the
worker made them. Every machine of a cluster needs newsledger (and its spaCy model) installed.
"""

from __future__ import annotations

import logging
import os
import pickle
import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ..exceptions import NewsledgerError
from ..model import Article
from ..store import Store
from .base import DEFAULT_EXTRACTOR
from .guard import Failure, Result, guarded
from .run import ExtractReport, commit_results, pending

DEFAULT_BATCH_SIZE = 8  # articles per Ray task: small enough to spread a short run over every worker
CONNECT_TIMEOUT = 10.0  # seconds to reach a cluster's address before giving up
INSTALL_HINT = "install it with: pip install 'newsledger[ray]'"
# Ray reads these when it starts: no usage statistics sent anywhere, no dashboard or metrics agent.
RAY_ENV = {"RAY_USAGE_STATS_ENABLED": "0", "RAY_enable_metrics_collection": "0"}


def _import_ray():
    for key, value in RAY_ENV.items():
        os.environ.setdefault(key, value)
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise NewsledgerError(f"the ray engine needs Ray, which cannot be imported ({exc})",
                              hint=INSTALL_HINT) from exc
    return ray


def _check_reachable(address: str) -> None:
    """Fail fast on a cluster address nobody answers at (Ray itself retries for many minutes)."""
    if address in ("auto", "local"):
        return  # Ray looks for a running local cluster itself and says so at once when there is none
    hostport = address.split("://", 1)[-1].rstrip("/")
    host, sep, port = hostport.rpartition(":")
    if not sep or not port.isdigit():
        raise NewsledgerError(f"bad Ray address {address!r}", hint="give the head node's HOST:PORT, or auto")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as exc:
        raise NewsledgerError(f"cannot reach a Ray cluster at {address} ({exc})",
                              hint="start one with `ray start --head`, or leave out --address for a local one") from exc


@contextmanager
def ray_session(address: str | None, workers: int) -> Iterator[object]:
    """Ray, connected: an existing connection is reused and left open; else a local cluster of
    `workers` CPUs (0: every core) is started (address None) or the cluster at `address` is joined,
    and stopped or left when done."""
    ray = _import_ray()
    if ray.is_initialized():
        yield ray
        return
    for name in ("ray.data._internal.progress", "ray._private.authentication.authentication_token_setup"):
        logging.getLogger(name).setLevel(logging.ERROR)  # "progress bars disabled", "token auth is on"
    quiet = dict(log_to_driver=False, logging_level=logging.WARNING)
    try:
        if address is None:  # "local": a new cluster on this machine, whatever $RAY_ADDRESS says
            ray.init(address="local", num_cpus=workers or None, include_dashboard=False, **quiet)
        else:
            _check_reachable(address)
            ray.init(address=address, **quiet)
    except NewsledgerError:
        raise
    except Exception as exc:  # Ray raises ConnectionError, RuntimeError, ValueError ... here
        if address is None:
            raise NewsledgerError(f"cannot start a local Ray cluster: {type(exc).__name__}: {exc}") from exc
        raise NewsledgerError(f"cannot connect to the Ray cluster at {address}: {type(exc).__name__}: {exc}",
                              hint="a cluster with token authentication (Ray's default) also needs "
                                   "RAY_AUTH_MODE=token and its token in $RAY_AUTH_TOKEN or ~/.ray/auth_token") from exc
    try:
        yield ray
    finally:
        ray.shutdown()  # for a cluster we joined this only disconnects: the cluster keeps running


class ExtractBatch:
    """Ray Data callable class: one Extractor (spaCy pipeline, lexicon, gazetteers) per actor."""

    def __init__(self, extractor: str = DEFAULT_EXTRACTOR):
        from .base import make_extractor

        self.extractor = make_extractor(extractor)

    def __call__(self, batch):
        import pyarrow as pa

        articles = [_article(row) for row in batch.to_pylist()]
        ids, blobs = [], []
        for result in guarded(self.extractor, articles):  # a Failure travels as itself, to be quarantined
            ids.append(result.article_id if isinstance(result, Failure) else result[0])
            blobs.append(pickle.dumps(result if isinstance(result, Failure) else result[1],
                                      protocol=pickle.HIGHEST_PROTOCOL))
        return pa.table({"id": pa.array(ids, pa.string()), "mentions": pa.array(blobs, pa.binary())})


def _columns(articles: list[Article]) -> dict[str, list]:
    return {"id": [a.id for a in articles], "source": [a.source for a in articles],
            "published": [a.published.isoformat() if a.published else None for a in articles],
            "title": [a.title for a in articles], "text": [a.text for a in articles],
            "lang": [a.lang for a in articles]}


def _article(row: dict) -> Article:
    import datetime as dt

    published = dt.date.fromisoformat(row["published"]) if row["published"] else None
    return Article(id=row["id"], source=row["source"], text=row["text"], published=published,
                   title=row["title"], lang=row["lang"])


def _dataset(ray, articles: list[Article], batch_size: int):
    """One block per `batch_size` articles, so the actors share the work from the first task."""
    import pyarrow as pa

    schema = pa.schema([(name, pa.string()) for name in ("id", "source", "published", "title", "text", "lang")])
    table = pa.table(_columns(articles), schema=schema)
    return ray.data.from_arrow([table.slice(i, batch_size) for i in range(0, len(articles), batch_size)])


def _quiet(ray) -> None:
    """No Ray Data progress bars or execution logs: the CLI shows its own progress."""
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.enable_auto_log_stats = False
    ctx.execution_options.verbose_progress = False
    ctx.execution_options.preserve_order = True  # results in article order, as the local engine commits
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no "execution finished" lines


def _results(ray, articles: list[Article], *, workers: int, batch_size: int,
             extractor: str) -> Iterator[Result]:
    ds = _dataset(ray, articles, batch_size).map_batches(
        ExtractBatch, fn_constructor_kwargs={"extractor": extractor}, batch_size=batch_size, batch_format="pyarrow",
        compute=ray.data.ActorPoolStrategy(size=workers), num_cpus=1,
        max_restarts=3, max_task_retries=3)  # Ray Data's default is forever: a crash must end the run
    for out in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
        for article_id, blob in zip(out.column("id").to_pylist(), out.column("mentions").to_pylist()):
            value = pickle.loads(blob)
            yield value if isinstance(value, Failure) else (article_id, value)


def extract_pending_ray(store: Store, *, address: str | None = None, workers: int = 2,
                        batch_size: int = DEFAULT_BATCH_SIZE, redo: bool = False, extractor: str = DEFAULT_EXTRACTOR,
                        progress: Callable[[int], None] | None = None, retry_quarantined: bool = False
                        ) -> ExtractReport:
    """`extract_pending` on Ray: a local Ray cluster with `workers` CPUs (address None), or the
    cluster at `address` (its head "HOST:PORT", or "auto"), with an actor pool of `workers`
    actors of one CPU each (0: one per CPU of the cluster). Same results, same commits, same
    resumption as the local engine."""
    if workers < 0:
        raise NewsledgerError(f"the number of workers cannot be negative ({workers})")
    if batch_size < 1:
        raise NewsledgerError(f"the Ray batch size must be at least 1, not {batch_size}")
    if not redo and not retry_quarantined and not store.pending_articles(limit=1):
        return ExtractReport()  # nothing to do: no cluster started
    with ray_session(address, workers) as ray:
        cpus = ray.cluster_resources().get("CPU", 0)
        workers = workers or max(1, int(cpus))
        if cpus < workers:
            raise NewsledgerError(f"the Ray cluster has {cpus:g} CPUs, fewer than the {workers} workers asked for",
                                  hint="lower --workers")
        articles = pending(store, redo=redo, retry_quarantined=retry_quarantined)  # with `redo`, the old mentions go only once Ray is up
        if not articles:
            return ExtractReport()
        _quiet(ray)
        try:
            return commit_results(store, _results(ray, articles, workers=workers, batch_size=batch_size,
                                                  extractor=extractor), progress)
        except ray.exceptions.RayError as exc:
            raise NewsledgerError(f"extraction on Ray failed: {_reason(exc)}",
                                  hint="articles committed so far are kept; run the command again to resume") from exc


def _reason(exc: Exception) -> str:
    """The worker's own error from a Ray error (its last line, without colours or our class name)."""
    lines = [line.strip() for line in re.sub(r"\x1b\[[0-9;]*m", "", str(exc)).splitlines() if line.strip()]
    return lines[-1].removeprefix("newsledger.exceptions.NewsledgerError: ") if lines else type(exc).__name__
