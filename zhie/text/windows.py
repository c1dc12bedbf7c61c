"""Model windows: cut a text into pieces the tagger can read, and say which
window answers for which predicted span.

Packing: whole sentences are packed greedily into windows of at most
``max_len`` characters (a window runs from its first sentence's start to its
last sentence's end). A sentence longer than ``max_len`` gets windows of its
own: ``max_len`` characters each, sliding by ``max_len - overlap``, the last one
flush with the sentence end.

Ownership: the owned regions of the windows partition ``[0, text_len)``. The
boundary between window k and window k+1 is ``(start[k+1] + end[k]) // 2``: the
middle of their overlap, or a point in the gap between them. A predicted span
belongs to the window whose owned region contains its ANCHOR, the span's middle
character ``start + (end - start - 1) // 2``.

Guarantee (tests/test_text_windows.py): a span that lies completely inside at
least one window is kept by exactly one window, and that window contains it
completely; when it fits in two overlapping windows it goes to the one where it
is farther from the edge (up to integer rounding). Proof sketch for the boundary b = (a + E) // 2 between
a window ending at E and the next starting at a: a span of length n with anchor
p < b that fits a later window has start >= a, so its end <= 2b - a <= E; a span
with anchor p >= b that fits an earlier window has end <= E, so its start >=
2b - E + 1 >= a. Spans that fit no window (an entity longer than the overlap
cut by a sliding window) cannot be found whole by any window.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Window:
    start: int       # the characters the model sees: text[start:end]
    end: int
    own_start: int   # the part whose predictions this window is responsible for
    own_end: int


def _sliding(start: int, end: int, max_len: int, overlap: int) -> list[tuple[int, int]]:
    pieces, step, a = [], max_len - overlap, start
    while True:
        pieces.append((a, min(a + max_len, end)))
        if a + max_len >= end:
            return pieces
        a = min(a + step, end - max_len)


def plan_windows(sentences: list[tuple[int, int]], text_len: int, max_len: int, overlap: int) -> list[Window]:
    """Windows over sentence spans (sorted, non-overlapping) of a text of ``text_len`` characters."""
    if max_len < 1 or not 0 <= overlap < max_len:
        raise ValueError(f"need max_len >= 1 and 0 <= overlap < max_len, got {max_len}, {overlap}")
    previous_end = 0
    for s, e in sentences:
        if not previous_end <= s < e <= text_len:
            raise ValueError(f"sentence spans must be sorted, non-empty and inside the text: {(s, e)}")
        previous_end = e

    pieces: list[tuple[int, int]] = []
    group: tuple[int, int] | None = None
    for s, e in sentences:
        if e - s > max_len:
            if group:
                pieces.append(group)
                group = None
            pieces.extend(_sliding(s, e, max_len, overlap))
        elif group and e - group[0] <= max_len:
            group = (group[0], e)
        else:
            if group:
                pieces.append(group)
            group = (s, e)
    if group:
        pieces.append(group)

    bounds = [0] + [(pieces[k + 1][0] + pieces[k][1]) // 2 for k in range(len(pieces) - 1)] + [text_len]
    return [Window(a, e, bounds[k], bounds[k + 1]) for k, (a, e) in enumerate(pieces)]


def anchor(start: int, end: int) -> int:
    """The middle character of a span (the left one of two for even lengths)."""
    return start + (end - start - 1) // 2


def owns(window: Window, start: int, end: int) -> bool:
    """Is a span [start, end) predicted in ``window`` this window's to report?"""
    if end <= start:
        raise ValueError(f"empty span [{start}, {end})")
    return window.own_start <= anchor(start, end) < window.own_end
