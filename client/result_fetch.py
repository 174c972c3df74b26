"""``ResultFetcher``: the bulk command's threads ask it for a job's result; it fetches what was asked
together in one request.

Each single download (``GET /v1/jobs/{id}/result``) cost the API a request of
its own, a large share of its time in a bulk run. The fetcher gathers (job,
format) asks for a short window (or until ``max_jobs`` of one format are
waiting) and sends them with one ``send(job_ids, format)`` call per format
(``Client.results``: ``GET /v1/results?ids=&format=``), then hands each thread
its own bytes, or the typed error of its slot (``NotFound`` for a deleted job,
as the single download would raise). A whole-request error reaches every
thread of the group; ``ResultsUnavailable`` tells them to download alone. The
waiting and sending are ``Coalescer``'s (client/coalesce.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from client.coalesce import Ask, Coalescer
from client.errors import ClientError

WINDOW_S = 0.03
MAX_JOBS = 32
SERVER_MAX_JOBS = 100  # GET /v1/results takes at most 100 ids


class ResultsUnavailable(ClientError):
    """This result cannot be fetched in a group (no group route, the fetcher closed): download it alone."""

    code = "results_unavailable"


@dataclass
class FetchItem(Ask):
    job_id: str = ""
    format: str = ""


class ResultFetcher(Coalescer):
    unavailable = ResultsUnavailable

    def __init__(
        self,
        send: Callable[[list[str], str], dict[str, bytes | BaseException]],
        *,
        window_s: float = WINDOW_S,
        max_jobs: int = MAX_JOBS,
    ):
        """``send(job_ids, format)`` (``Client.results``) answers bytes or an error per job id, or raises for all of them."""
        self._send_ids = send
        self.max_jobs = min(max(1, max_jobs), SERVER_MAX_JOBS)
        self.groups_sent: list[tuple[str, int]] = []  # (format, jobs) of each request sent (for tests and figures)
        super().__init__(window_s=window_s, name="docpipe-result-fetch")

    def fetch(self, job_id: str, format: str) -> bytes:
        """The job's result in ``format``, or raises its slot's error or the group's."""
        return self._ask(FetchItem(job_id=job_id, format=format))

    def _full(self, pending: list[FetchItem]) -> bool:
        counts: dict[str, set[str]] = {}
        for item in pending:
            counts.setdefault(item.format, set()).add(item.job_id)
        return any(len(jobs) >= self.max_jobs for jobs in counts.values())

    def _select(self, pending: list[FetchItem]) -> list[FetchItem]:
        """The waiting asks of the oldest ask's format (at most ``max_jobs`` distinct jobs)."""
        fmt = pending[0].format
        group: list[FetchItem] = []
        jobs: set[str] = set()
        for item in pending:
            if item.format != fmt:
                continue
            if item.job_id not in jobs and len(jobs) >= self.max_jobs:
                break
            jobs.add(item.job_id)
            group.append(item)
        return group

    def _send(self, group: list[FetchItem]) -> None:
        fmt = group[0].format
        job_ids = list(dict.fromkeys(item.job_id for item in group))
        self.groups_sent.append((fmt, len(job_ids)))
        answers = self._send_ids(job_ids, fmt)
        for item in group:
            answer = answers.get(item.job_id)
            if answer is None:
                self._answer(item, error=ResultsUnavailable(f"The server left job {item.job_id} out; download it alone."))
            elif isinstance(answer, BaseException):
                self._answer(item, error=answer)
            else:
                self._answer(item, answer)
