"""Event finder: SIGN_CONTRACT, VISIT_INSPECT and MEETING mentions, one per trigger word,
with their arguments from the trigger's sentence (SCHEMA.md 'Events').

Per sentence: triggers from the lexicon minus the negative cases (triggers.py), argument
candidates from rules (roles/), then scores.  The rules decide which arguments an event
has; an argument's score is the mean of the confidence of the rule that proposed it
(RULE_SCORES) and, when the learned scorer is present (argument_scorer.json), the
probability it gives to the proposed role.  Triggers and plain-span arguments leave with
ORIGINAL offsets; entity arguments carry the entity id and the entity's own offsets.
"""
from __future__ import annotations

from ..schema import Argument, Event, Trigger
from . import LinkInput
from .lexicon import MEETING, SIGN, VISIT
from .roles import ArgCandidate, candidates
from .sentence import SentenceView
from .triggers import TRIGGER_POLICIES, TriggerHit, combine_triggers, find_triggers

# Confidence of the rule that proposed an argument: the argument's score when no learned scorer
# is loaded, else averaged with the scorer's probability for the role.
RULE_SCORES: dict[str, float] = {
    "party:clause": 0.9, "party:clause+title": 0.75, "kicker": 0.7,
    "amount:after": 0.8, "amount:headline": 0.7, "project:after": 0.85, "project:before": 0.6,
    "agreement:angle": 0.9, "agreement:object": 0.8, "party:subject": 0.7, "witness:cue": 0.9,
    "date:segment": 0.85, "date:sentence": 0.6, "date:day": 0.75, "date:in-name": 0.6,
    "companion:cue": 0.9, "visitor:setting": 0.7, "companion:join": 0.75, "target:dui": 0.75, "target:dui-span": 0.6, "visitor:before": 0.8, "visitor:org": 0.65,
    "target:object": 0.85, "target:object-span": 0.6, "target:to": 0.9, "target:to-span": 0.75,
    "target:at": 0.75, "target:at-span": 0.6, "target:object-place": 0.6, "target:object-facility": 0.5,
    "name:holding+name": 0.85, "name:name+holding": 0.8,
    "organizer:clause": 0.85, "organizer:body": 0.7, "organizer:name-start": 0.5, "organizer:place": 0.6,
    "chair:cue": 0.9, "attendee:cue": 0.85, "attendee:sentence": 0.6,
}
MIN_SCORE = 0.0  # candidates scored below this are dropped (0: the rules alone decide)
CORE_ROLES = {SIGN: {"party"}, VISIT: {"visitor", "target", "companion"}, MEETING: {"name", "chair", "attendee"}}


def _enough(hit: TriggerHit, cands: list[ArgCandidate]) -> bool:
    """A party to a signing; someone who visits or accompanies, or a named place visited;
    a meeting's name, chair or attendee.  A plain-span place alone (组织企业家赴长三角地区考察学习)
    is too little for a visit."""
    core = [c for c in cands if c.role in CORE_ROLES[hit.type]]
    if hit.type == SIGN and hit.reason == "ceremony":   # a ceremony mention: its party or who attends
        return any(c.role in ("party", "witness") for c in cands)
    if hit.type == VISIT:
        return any(c.role != "target" or c.mention is not None for c in core)
    return bool(core)


def _event_score(hit: TriggerHit, args: list[Argument]) -> float:
    roles = [a.role for a in args]
    score = hit.score
    if hit.type == SIGN:
        score += 0.05 if roles.count("party") >= 2 else -0.15
    elif hit.type == VISIT:
        score += 0.05 if ("visitor" in roles or "companion" in roles) and "target" in roles else -0.1
    else:
        score += 0.05 if "name" in roles and ("organizer" in roles or "date" in roles) else -0.05
    return round(max(0.05, min(0.99, score)), 4)


class EventFinder:
    """Rules for triggers and arguments; argument scores from the rule table and the learned scorer."""

    def __init__(self, scorer=None, use_scorer: bool = True, min_score: float = MIN_SCORE,
                 trigger_policy: str = "rules", trigger_threshold: float = 0.5) -> None:
        if scorer is None and use_scorer:
            from .argument_scorer import ArgumentScorer
            scorer = ArgumentScorer.load_default()
        if trigger_policy not in TRIGGER_POLICIES:
            raise ValueError(f"unknown trigger policy {trigger_policy!r}: choose one of {', '.join(TRIGGER_POLICIES)}")
        self.scorer = scorer
        self.min_score = min_score
        self.trigger_policy = trigger_policy
        self.trigger_threshold = trigger_threshold

    def sentence_events(self, sv: SentenceView, rule_hits: list[TriggerHit] | None = None
                        ) -> list[tuple[TriggerHit, list[tuple[ArgCandidate, float]]]]:
        """Triggers of one sentence with their scored argument candidates (cleaned offsets);
        ``rule_hits``: the trigger tables' hits when the caller has them already (``find_triggers``)."""
        rules = find_triggers(sv) if rule_hits is None else rule_hits
        hits = combine_triggers(sv, rules, sv.inp.triggers, self.trigger_policy, self.trigger_threshold)
        out = []
        for hit in hits:
            cands = candidates(sv, hit, hits)
            if self.scorer is None:
                scored = [(c, RULE_SCORES.get(c.rule, 0.5)) for c in cands]
            elif getattr(self.scorer, "blend", False):
                scored = [(c, (RULE_SCORES.get(c.rule, 0.5) + p) / 2) for c, p in self.scorer.score(sv, hit, cands)]
            else:  # a scorer that chooses the arguments itself (the stacked model, the learned baseline)
                scored = self.scorer.score(sv, hit, cands, hits)
            scored = [(c, p) for c, p in scored if p >= self.min_score]
            if not _enough(hit, [c for c, _ in scored]):
                continue
            out.append((hit, scored))
        return out

    def __call__(self, inp: LinkInput) -> list[Event]:
        clean = inp.clean
        events: list[Event] = []
        for s, e in inp.sentences:
            sv = SentenceView.of(inp, s, e)
            for hit, scored in self.sentence_events(sv):
                ts, te = clean.span_to_original(hit.start, hit.end)
                args: list[Argument] = []
                for c, p in sorted(scored, key=lambda cp: (cp[0].start, cp[0].end)):
                    if c.mention is not None:
                        ent = c.mention.entity
                        args.append(Argument(c.role, ent.start, ent.end, ent.text, entity=ent.id, score=round(p, 4)))
                    else:
                        a, b = clean.span_to_original(c.start, c.end)
                        args.append(Argument(c.role, a, b, clean.original[a:b], score=round(p, 4)))
                events.append(Event(hit.type, Trigger(ts, te, clean.original[ts:te]), args,
                                    score=_event_score(hit, args)))
        return events
