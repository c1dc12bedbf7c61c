"""Progress of a batch run: a tqdm bar on a terminal, periodic log lines otherwise.

Engines report per shard: ``update(shard, docs, chars)`` with the running totals of a shard
still in flight, ``done(stats)`` when it is committed, ``reset(shard)`` when its work was
lost (a crashed worker).  Rates count only the documents processed by this run, so a
resumed run shows its own speed and an honest ETA.

One rate everywhere: documents processed by this run divided by the time since the run
started (``started``: the job's clock, model loading included) — the bar, the log lines and
the summary's ``docs_per_s`` use it, and say "overall" so it is not taken for the speed of
the model alone (tqdm's own smoothed rate is not shown).

The bar needs a terminal with a width: stderr not a terminal, or a terminal of size 0×0 (a
pty such as ``script`` or a CI log), gets log lines instead — one when the first documents
arrive, then one every ``interval`` seconds, and a last one at the end.  ``loading`` is
printed before anything else, so that the wait for the workers' model is not a silent 0/N.
"""
from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

from .shards import ShardStats


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


def terminal_width(stream: IO[str]) -> int:
    """Columns of the terminal behind ``stream``; 0 when it is none or reports no size (a 0×0 pty)."""
    try:
        if not stream.isatty():
            return 0
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


class Progress:
    def __init__(self, total: int, already_done: int = 0, *, enabled: bool = True, tty: bool | None = None,
                 interval: float = 10.0, stream: IO[str] | None = None, started: float | None = None,
                 loading: str | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.initial = already_done
        self.committed_docs = already_done
        self.committed_chars = 0
        self.errors = 0
        self.partial: dict[int, tuple[int, int]] = {}
        self.interval = interval
        self.enabled = enabled
        self.tty = (terminal_width(self.stream) > 0 if tty is None else tty) and enabled
        self.start = started if started is not None else time.perf_counter()
        self._last_log = time.perf_counter()
        self._first_seen = False
        self._printed: tuple[int, int] | None = None   # (documents, errors) of the last log line
        self._bar: Any = None
        self._closed = False
        if loading:
            self.message(loading)

    # -- numbers ------------------------------------------------------------------
    @property
    def documents(self) -> int:
        return self.committed_docs + sum(d for d, _ in self.partial.values())

    @property
    def characters(self) -> int:
        return self.committed_chars + sum(c for _, c in self.partial.values())

    def elapsed(self) -> float:
        return max(time.perf_counter() - self.start, 1e-9)

    def rates(self) -> tuple[float, float]:
        """Documents and characters per second processed by this run, over the whole run so far."""
        elapsed = self.elapsed()
        return (self.documents - self.initial) / elapsed, self.characters / elapsed

    def eta(self) -> float | None:
        docs_per_s, _ = self.rates()
        return (self.total - self.documents) / docs_per_s if docs_per_s > 0 else None

    def line(self) -> str:
        docs_per_s, chars_per_s = self.rates()
        pct = 100.0 * self.documents / self.total if self.total else 100.0
        eta = self.eta()
        return (f"zhie batch: {self.documents}/{self.total} documents ({pct:.1f}%), {docs_per_s:.2f} docs/s overall, "
                f"{chars_per_s:,.0f} chars/s, {self.errors} errors, "
                f"elapsed {_clock(self.elapsed())}, ETA {_clock(eta) if eta is not None else '?'}")

    # -- events -------------------------------------------------------------------
    def update(self, shard: int, docs: int, chars: int) -> None:
        self.partial[shard] = (docs, chars)
        self._show()

    def reset(self, shard: int) -> None:
        self.partial.pop(shard, None)
        self._show()

    def done(self, stats: ShardStats) -> None:
        self.partial.pop(stats.shard, None)
        self.committed_docs += stats.documents
        self.committed_chars += stats.characters
        self.errors += stats.errors
        self._show()

    def message(self, text: str) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.write(text, file=self.stream)
        else:
            print(text, file=self.stream, flush=True)

    def _open_bar(self) -> None:
        from tqdm import tqdm
        self._bar = tqdm(total=self.total, initial=self.initial, unit="doc", file=self.stream, dynamic_ncols=True,
                         bar_format=self._bar_format())

    def _bar_format(self) -> str:
        """tqdm's bar with this run's own numbers (not tqdm's elapsed time and smoothed rate)."""
        docs_per_s, chars_per_s = self.rates()
        eta = self.eta()
        return ("{l_bar}{bar}| {n_fmt}/{total_fmt} "
                f"[elapsed {_clock(self.elapsed())}, ETA {_clock(eta) if eta is not None else '?'}, "
                f"{docs_per_s:.2f} docs/s overall, {chars_per_s:,.0f} chars/s, {self.errors} errors]")

    def _show(self, force: bool = False) -> None:
        if not self.enabled:
            return
        if self.tty:
            if self._bar is None:
                self._open_bar()
            self._bar.n = self.documents
            self._bar.bar_format = self._bar_format()
            self._bar.refresh()
            return
        now = time.perf_counter()
        first = not self._first_seen and self.documents > self.initial
        if force and self._printed == (self.documents, self.errors):
            return  # the closing line would repeat the last one
        if force or first or now - self._last_log >= self.interval:
            self._first_seen = self._first_seen or first
            self._last_log = now
            self._printed = (self.documents, self.errors)
            print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self.tty:
            self._show()
            self._bar.close()
            self._bar = None
        else:
            self._show(force=True)
