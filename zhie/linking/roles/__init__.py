"""Rule-based argument candidates for one trigger: entities of the trigger's sentence and
plain spans (a place after 赴/到/来到, an agreement name inside 《》, a meeting name, a group
such as 考察团, an unnamed body such as 开发区党工委).

Each candidate records the rule that proposed it; the rule is the evidence behind the
argument's score (events.py: the rule's confidence, averaged with the learned scorer's
probability for the role).

One module per event type (sign.py, visit.py, meeting.py) over the pieces they share (common.py).
"""
from __future__ import annotations

from ..lexicon import MEETING, SIGN, VISIT
from ..sentence import SentenceView
from ..triggers import TriggerHit
from .common import ArgCandidate
from .meeting import meeting_arguments
from .sign import sign_arguments
from .visit import visit_arguments

__all__ = ["ASSIGNERS", "ArgCandidate", "candidates"]


ASSIGNERS = {SIGN: sign_arguments, VISIT: visit_arguments, MEETING: meeting_arguments}


def candidates(sv: SentenceView, hit: TriggerHit, hits: list[TriggerHit]) -> list[ArgCandidate]:
    """Candidates of one trigger, one per (role, span); an entity keeps its first role."""
    seen: set[tuple[int, int]] = set()
    out: list[ArgCandidate] = []
    for c in ASSIGNERS[hit.type](sv, hit, hits):
        if (c.start, c.end) in seen:
            continue
        seen.add((c.start, c.end))
        out.append(c)
    return out
