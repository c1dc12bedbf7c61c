"""Quiet, lazy, thread-safe access to ``jionlp.parse_time`` for the long tail of DATE expressions.

Importing jionlp prints a banner to stdout and its parser logs tracebacks
through the root logger (stderr); neither may reach the service's or the
CLI's output, so both the import and every call run with stdout/stderr
redirected.  jionlp's ``TimeParser`` keeps per-call state on a shared
instance, hence the lock.  Import cost measured at ~0.2-0.5 s (2 shared
CPU cores), first call ~0.1 s.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import threading
from typing import Any

_lock = threading.Lock()
_parse_time: Any = None
_unavailable = False


@contextlib.contextmanager
def _silenced():
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


def _load() -> Any:
    global _parse_time, _unavailable
    if _parse_time is None and not _unavailable:
        try:
            with _silenced():
                import jionlp  # noqa: PLC0415 - deliberately lazy and silenced
            _parse_time = jionlp.parse_time
        except Exception:  # missing or broken install: the fallback simply answers nothing
            _unavailable = True
    return _parse_time


def warm_up() -> bool:
    """Import jionlp and read one expression now (its parser builds its tables on the first call,
    about 0.1 s after the 0.2-0.5 s import), so that no document pays for either; True when it is
    available."""
    with _lock:
        available = _load() is not None
    if available:
        parse_time("一年来", dt.date(2020, 1, 1))
    return available


def parse_time(text: str, base: dt.date) -> tuple[str, str] | None:
    """jionlp's reading of *text* relative to *base* as (start, end) strings 'YYYY-MM-DD HH:MM:SS'.

    Only points and spans are returned (end may be 'inf'); durations,
    periods, errors and anything unparsable give None.
    """
    with _lock:
        parse = _load()
        if parse is None:
            return None
        base_time = dt.datetime(base.year, base.month, base.day)
        try:
            with _silenced():
                result = parse(text, time_base=base_time, strict=True)
        except Exception:  # jionlp raises ValueError (and worse) on strings it cannot read
            return None
    if not isinstance(result, dict) or result.get("type") not in ("time_point", "time_span"):
        return None
    span = result.get("time")
    if not isinstance(span, (list, tuple)) or len(span) != 2:
        return None
    return str(span[0]), str(span[1])
