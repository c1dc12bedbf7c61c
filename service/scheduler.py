"""Fair use of the model inside one worker: requests take turns on the tagger.

Every request that needs the model gets a ``Ticket``.  Its pipeline runs in a thread
like before, but the tagger it sees is a ``ScheduledTagger``: each call to the real
tagger is cut into *turns* of at most ``TURN_WINDOWS`` windows (of ≤ 128 characters: a
small fraction of a second each), granted by ``FairScheduler`` in the order they were
asked for.  A request that finished a turn and asks for the next one queues behind
the requests already waiting, so a one-sentence request waits for at most one turn of
each request ahead of it — not for a whole batch of long documents.

A ticket can be cancelled (the client hung up, or the request's time budget ran out):
its next turn raises ``WorkCancelled`` instead of running, so the rest of its work is
dropped.  ``WorkCancelled`` is a ``BaseException`` on purpose: the pipeline's and the
batch runner's ``except Exception`` handlers (which turn a failing document into an
error record and retry the others) must not swallow a cancellation.
"""
from __future__ import annotations

import copy
import itertools
import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence

from zhie.pipeline import Pipeline

CLIENT_GONE, TIMEOUT = "client_gone", "timeout"
TURN_WINDOWS = 8  # windows tagged in one turn: the longest a waiting request waits for each one ahead


class WorkCancelled(BaseException):
    """The request's remaining model work was dropped (``reason``: client_gone or timeout)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"model work cancelled: {reason}")
        self.reason = reason


@dataclass
class Ticket:
    """One request's claim on the model."""

    number: int
    deadline: float | None = None        # time.monotonic() after which no turn is granted
    cancelled: str | None = None         # why the work was cancelled, once it was
    turns: int = 0                       # tagger calls run for this request
    windows: int = 0                     # windows tagged in them
    _scheduler: "FairScheduler | None" = field(default=None, repr=False, compare=False)

    def cancel(self, reason: str) -> None:
        """Drop the remaining work (idempotent; the first reason is kept)."""
        if self.cancelled is None:
            self.cancelled = reason
        if self._scheduler is not None:
            self._scheduler.wake()

    def check(self) -> None:
        if self.cancelled is None and self.deadline is not None and time.monotonic() >= self.deadline:
            self.cancelled = TIMEOUT
        if self.cancelled is not None:
            raise WorkCancelled(self.cancelled)


@dataclass
class SchedulerStats:
    """Counters of one worker's scheduler (for logs and tests)."""

    tickets: int = 0
    turns: int = 0
    cancelled: int = 0            # tickets whose work was cut short
    turns_refused: int = 0        # turns not run because their ticket was cancelled
    waiting: int = 0
    running: int = 0


class FairScheduler:
    """Grants at most ``slots`` concurrent tagger turns, first asked, first served."""

    def __init__(self, slots: int = 1) -> None:
        if slots < 1:
            raise ValueError(f"a scheduler needs at least one slot, got {slots}")
        self.slots = slots
        self._cond = threading.Condition()
        self._queue: deque[Ticket] = deque()
        self._running = 0
        self._numbers = itertools.count(1)
        self._stats = SchedulerStats()
        self._cancelled_numbers: set[int] = set()

    def ticket(self, budget_s: float | None = None) -> Ticket:
        """A new ticket; ``budget_s`` seconds from now no more turns are granted to it."""
        deadline = time.monotonic() + budget_s if budget_s else None
        with self._cond:
            self._stats.tickets += 1
            return Ticket(next(self._numbers), deadline, _scheduler=self)

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def stats(self) -> SchedulerStats:
        with self._cond:
            return SchedulerStats(**{**self._stats.__dict__, "waiting": len(self._queue), "running": self._running})

    def _refuse(self, ticket: Ticket) -> None:
        self._stats.turns_refused += 1
        if ticket.number not in self._cancelled_numbers:
            self._cancelled_numbers.add(ticket.number)
            self._stats.cancelled += 1

    @contextmanager
    def turn(self, ticket: Ticket) -> Iterator[None]:
        """Wait for this ticket's turn on the model (raises ``WorkCancelled`` if it is cancelled meanwhile)."""
        with self._cond:
            try:
                ticket.check()
            except WorkCancelled:
                self._refuse(ticket)
                raise
            self._queue.append(ticket)
            try:
                while not (self._queue[0] is ticket and self._running < self.slots):
                    timeout = None if ticket.deadline is None else max(0.0, ticket.deadline - time.monotonic())
                    self._cond.wait(timeout if timeout is None else min(timeout, 1.0))
                    ticket.check()
            except WorkCancelled:
                self._queue.remove(ticket)
                self._refuse(ticket)
                self._cond.notify_all()
                raise
            self._queue.popleft()
            self._running += 1
            self._stats.turns += 1
            ticket.turns += 1
            self._cond.notify_all()  # the next in line may take a free slot
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()


class ScheduledTagger:
    """A tagger seen through one ticket: every tagging call is one turn of the scheduler."""

    def __init__(self, tagger: Any, scheduler: FairScheduler, ticket: Ticket) -> None:
        self._tagger = tagger
        self._scheduler = scheduler
        self._ticket = ticket

    def __getattr__(self, name: str) -> Any:  # max_len, extra_heads, labels, name, version, …
        return getattr(self._tagger, name)

    def _in_turns(self, texts: Sequence[str], tag: Callable[[Sequence[str]], Any]) -> list[Any]:
        """``tag`` over the windows, ``TURN_WINDOWS`` at a time, each batch inside a turn of the scheduler."""
        results = []
        for start in range(0, len(texts), TURN_WINDOWS):
            chunk = texts[start:start + TURN_WINDOWS]
            with self._scheduler.turn(self._ticket):
                self._ticket.windows += len(chunk)
                results.append(tag(chunk))
        return results

    def tag_heads(self, texts: Sequence[str], heads: tuple[str, ...]) -> dict[str, list]:
        out: dict[str, list] = {h: [] for h in heads}
        for part in self._in_turns(texts, lambda chunk: self._tagger.tag_heads(chunk, heads)):
            for head, spans in part.items():
                out.setdefault(head, []).extend(spans)
        return out

    def tag(self, texts: Sequence[str]) -> list:
        return [spans for part in self._in_turns(texts, self._tagger.tag) for spans in part]


def scheduled_pipeline(pipeline: Pipeline, scheduler: FairScheduler, ticket: Ticket) -> Pipeline:
    """A shallow copy of ``pipeline`` whose tagger takes turns through ``ticket`` (same model, same results)."""
    scheduled = copy.copy(pipeline)
    scheduled.tagger = ScheduledTagger(pipeline.tagger, scheduler, ticket)  # type: ignore[assignment]
    return scheduled
