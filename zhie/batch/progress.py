"""Progress of a batch run: a tqdm bar on a terminal, periodic log lines otherwise.

Engines report per shard: ``update(shard, docs, chars)`` with the running totals of a shard
still in flight, ``done(stats)`` when it is committed, ``reset(shard)`` when its work was
lost (a crashed worker).  Rates count only the documents processed by this run, so a
resumed run shows its own speed and an honest ETA.
"""
from __future__ import annotations

import sys
import time
from typing import IO

from .shards import ShardStats


def _clock(seconds: float) -> str:
    seconds = int(max(0, seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"


class Progress:
    def __init__(self, total: int, already_done: int = 0, *, enabled: bool = True, tty: bool | None = None,
                 interval: float = 10.0, stream: IO[str] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.initial = already_done
        self.committed_docs = already_done
        self.committed_chars = 0
        self.errors = 0
        self.partial: dict[int, tuple[int, int]] = {}
        self.interval = interval
        self.enabled = enabled
        self.tty = (self.stream.isatty() if tty is None else tty) and enabled
        self.start = time.monotonic()
        self._last_log = self.start
        self._bar = None
        self._closed = False
        if self.tty:
            from tqdm import tqdm
            self._bar = tqdm(total=total, initial=already_done, unit="doc", file=self.stream, dynamic_ncols=True,
                             smoothing=0.1,
                             bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining} ETA, {rate_fmt}{postfix}]")

    # -- numbers ------------------------------------------------------------------
    @property
    def documents(self) -> int:
        return self.committed_docs + sum(d for d, _ in self.partial.values())

    @property
    def characters(self) -> int:
        return self.committed_chars + sum(c for _, c in self.partial.values())

    def rates(self) -> tuple[float, float]:
        elapsed = max(time.monotonic() - self.start, 1e-9)
        return (self.documents - self.initial) / elapsed, self.characters / elapsed

    def eta(self) -> float | None:
        docs_per_s, _ = self.rates()
        return (self.total - self.documents) / docs_per_s if docs_per_s > 0 else None

    def line(self) -> str:
        docs_per_s, chars_per_s = self.rates()
        pct = 100.0 * self.documents / self.total if self.total else 100.0
        eta = self.eta()
        return (f"zhie batch: {self.documents}/{self.total} documents ({pct:.1f}%), {docs_per_s:.1f} docs/s, "
                f"{chars_per_s:,.0f} chars/s, {self.errors} errors, "
                f"elapsed {_clock(time.monotonic() - self.start)}, ETA {_clock(eta) if eta is not None else '?'}")

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
            self._bar.write(text)
        else:
            print(text, file=self.stream, flush=True)

    def _show(self, force: bool = False) -> None:
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.n = self.documents
            _, chars_per_s = self.rates()
            self._bar.set_postfix_str(f"{chars_per_s:,.0f} chars/s, {self.errors} errors", refresh=False)
            self._bar.refresh()
            return
        now = time.monotonic()
        if force or now - self._last_log >= self.interval:
            self._last_log = now
            print(self.line(), file=self.stream, flush=True)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._show()
            self._bar.close()
            self._bar = None
        else:
            self._show(force=True)
