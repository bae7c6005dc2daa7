"""Ingest jobs for `POST /api/ingest`: the batch runs on one worker thread, off the request path, so
readers keep answering; a job reports its stage and progress until it is done or failed."""

from __future__ import annotations

import json
import tempfile
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from ..store import open_store

MAX_KEPT = 200  # finished jobs remembered for the status endpoint


@dataclass(slots=True)
class IngestResult:
    read: int
    added: int
    duplicates: int
    rejected: list[dict]
    mentions: int


@dataclass(slots=True)
class Job:
    id: str
    n_articles: int
    state: str = "queued"  # queued, running, done, failed
    stage: str = "waiting"  # waiting, ingesting, extracting, merging, finished
    done: int = 0
    total: int = 0
    result: IngestResult | None = None
    error: str | None = None

    def as_json(self) -> dict:
        return asdict(self) | {"status_url": f"/api/jobs/{self.id}"}


@dataclass
class JobBoard:
    """The jobs of one app: one worker thread writes the ledger; the board is read under a lock."""

    db: str
    _jobs: dict[str, Job] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _pool: ThreadPoolExecutor = field(default_factory=lambda: ThreadPoolExecutor(1, thread_name_prefix="ingest"))

    def submit(self, records: list[dict]) -> Job:
        job = Job(uuid.uuid4().hex[:16], len(records))
        with self._lock:
            self._jobs[job.id] = job
            finished = [k for k, j in self._jobs.items() if j.state in ("done", "failed")]
            for k in finished[:-MAX_KEPT]:
                del self._jobs[k]
        self._pool.submit(self._run, job, records)
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
            return None if job is None else replace(job)

    def _set(self, job: Job, **changes) -> None:
        with self._lock:
            for k, v in changes.items():
                setattr(job, k, v)

    def _advance(self, job: Job):
        def advance(n: int) -> None:
            self._set(job, done=job.done + n)
        return advance

    def _run(self, job: Job, records: list[dict]) -> None:
        try:
            self._set(job, state="running", stage="ingesting")
            result = self._ingest(job, records)
            self._set(job, state="done", stage="finished", result=result)
        except Exception as exc:  # the job fails, the server goes on; the status says why
            self._set(job, state="failed", error=f"{type(exc).__name__}: {exc}")

    def _ingest(self, job: Job, records: list[dict]) -> IngestResult:
        from ..extract.run import extract_pending
        from ..ingest import ingest
        from ..merge import merge_pending

        data = "\n".join(json.dumps(r) for r in records).encode()
        with open_store(self.db) as s:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "api.jsonl"
                path.write_bytes(data)
                report = ingest(s, [str(path)])
            self._set(job, stage="extracting", done=0, total=s.stats().pending)
            extracted = extract_pending(s, progress=self._advance(job))
            self._set(job, stage="merging")
            merge_pending(s)
        return IngestResult(report.read, report.added, len(report.duplicates),
                            [{"line": r.line, "reason": r.reason} for r in report.rejected], extracted.mentions)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
