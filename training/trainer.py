"""The trainer: build the network from a pretrained encoder (or an existing zhie model),
fit it in stages with a progress bar, and save a model folder with meta.json.

Stages (each optional):
1. ``public``: the auxiliary heads on CLUENER2020 and MSRA (labels kept as they are).
2. ``domain``: the domain head on the project's annotated and synthetic data, with a
   share of public batches mixed in so that the shared encoder does not forget.
Everything is seeded; the same inputs and config give the same model.
"""
from __future__ import annotations

import math
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
import torch
from tqdm import tqdm
from transformers import AutoModel, AutoTokenizer, XLMRobertaConfig

from zhie.schema import ENTITY_LABELS, EVENT_ROLES
from zhie.tagger.bio import TagSet
from zhie.tagger.charvocab import CharVocab
from zhie.tagger.network import CharTaggerNet
from zhie.tagger.transformer import TransformerTagger, save_tagger_files

from .corpora import CLUENER_LABELS, MSRA_LABELS
from .domain import IGNORE
from .examples import Example

if TYPE_CHECKING:
    from .distill import Distillation

# "trigger": event trigger words labelled by event type, read by the learned event layer (zhie/linking)
HEAD_LABELS: dict[str, tuple[str, ...]] = {"domain": ENTITY_LABELS, "cluener": CLUENER_LABELS,
                                           "msra": MSRA_LABELS, "trigger": tuple(EVENT_ROLES)}


@dataclass
class TrainConfig:
    seed: int = 13
    layers: int = 6              # encoder layers kept (the first N of the pretrained encoder)
    max_len: int = 128           # characters per window
    batch_size: int = 16
    public_steps: int = 1200     # stage 1 steps (0 = skip)
    domain_steps: int = 1500     # stage 2 steps
    public_mix: float = 0.2      # share of public batches during stage 2
    trigger_mix: float = 0.2     # share of event-trigger batches during stage 2 (0 = no trigger head trained)
    lr_public: float = 1.5e-4
    lr_domain: float = 8e-5
    head_lr_mult: float = 5.0
    warmup: float = 0.06
    weight_decay: float = 0.01
    threads: int = 0             # 0 = torch default

    @classmethod
    def tiny(cls) -> "TrainConfig":
        """A config for smoke tests: a one-layer encoder and a handful of steps."""
        return cls(layers=1, max_len=64, batch_size=4, public_steps=2, domain_steps=3)


@dataclass
class TrainState:
    net: CharTaggerNet
    vocab: CharVocab
    config: XLMRobertaConfig
    history: list[dict[str, Any]] = field(default_factory=list)


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def build_from_encoder(encoder_dir: Path, layers: int, add_heads: tuple[str, ...] = ()) -> TrainState:
    """Start from a pretrained Hugging Face encoder folder (local path only)."""
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()  # the load report lists the layers we drop on purpose
    enc = AutoModel.from_pretrained(str(encoder_dir), dtype=torch.float32, num_hidden_layers=layers,
                                    local_files_only=True)
    config = enc.config
    heads = [h for h in HEAD_LABELS if h != "trigger" or h in add_heads]
    net = CharTaggerNet(config, {h: len(TagSet(HEAD_LABELS[h])) for h in heads})
    missing = net.encoder.load_state_dict(enc.state_dict(), strict=False)
    assert not [k for k in missing.missing_keys if not k.startswith("pooler")], missing
    vocab = CharVocab.from_tokenizer(AutoTokenizer.from_pretrained(str(encoder_dir), local_files_only=True))
    return TrainState(net, vocab, config)


def build_from_model(model_dir: Path, layers: int | None = None, add_heads: tuple[str, ...] = (),
                     keep_layers: list[int] | None = None) -> TrainState:
    """Start from an existing zhie model folder (fine-tuning), optionally keeping fewer layers: the
    first ``layers``, or the encoder layers numbered ``keep_layers`` (0-based, e.g. every other one
    for a distilled student)."""
    from zhie.model import load_model
    meta = load_model(model_dir).tagger_meta()   # pipeline.json, or a 0.2.0 folder's meta.json
    tagger = TransformerTagger.load(Path(model_dir), meta, precision="fp32", runtime="torch", warm_up=False)
    net, config = tagger.net, tagger.net.encoder.config
    if keep_layers:
        n = config.num_hidden_layers
        if sorted(set(keep_layers)) != list(keep_layers) or keep_layers[0] < 0 or keep_layers[-1] >= n:
            raise ValueError(f"keep_layers {keep_layers}: increasing layer numbers from 0 to {n - 1}")
        net.encoder.encoder.layer = torch.nn.ModuleList(net.encoder.encoder.layer[i] for i in keep_layers)
        config.num_hidden_layers = len(keep_layers)
    elif layers is not None and layers < config.num_hidden_layers:
        net.encoder.encoder.layer = net.encoder.encoder.layer[:layers]
        config.num_hidden_layers = layers
    for head in add_heads:   # a head the parent lacks starts fresh (0.2.0 has no trigger head)
        if head not in net.heads:
            net.heads[head] = torch.nn.Linear(config.hidden_size, len(TagSet(HEAD_LABELS[head])))
    return TrainState(net.train(), tagger.vocab, config, list(meta.get("training", {}).get("history", [])))


def encode_batch(batch: list[Example], vocab: CharVocab, tagset: TagSet) -> tuple[torch.Tensor, ...]:
    width = max(len(ex.text) for ex in batch) + 2
    ids = torch.full((len(batch), width), vocab.pad_id, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    gold = torch.full((len(batch), width), -100, dtype=torch.long)
    for row, ex in enumerate(batch):
        enc = [vocab.cls_id] + vocab.encode(ex.text) + [vocab.sep_id]
        ids[row, :len(enc)] = torch.tensor(enc)
        mask[row, :len(enc)] = 1
        if not ex.labelled:
            continue
        tags = tagset.encode(len(ex.text), [s for s in ex.spans if s[0] != IGNORE])
        for label, s, e in ex.spans:
            if label == IGNORE:
                for i in range(s, e):
                    tags[i] = -100
        gold[row, 1:1 + len(ex.text)] = torch.tensor(tags, dtype=torch.long)
    return ids, mask, gold


class BatchStream:
    """Endless shuffled batches of one head's examples, grouped by length for speed."""

    def __init__(self, examples: list[Example], batch_size: int, rng: random.Random) -> None:
        if not examples:
            raise ValueError("no training examples")
        self.examples, self.batch_size, self.rng = examples, batch_size, rng
        self._queue: list[list[Example]] = []

    def _refill(self) -> None:
        items = list(self.examples)
        self.rng.shuffle(items)
        chunk = self.batch_size * 32
        batches = []
        for c in range(0, len(items), chunk):
            part = sorted(items[c:c + chunk], key=lambda e: len(e.text))
            batches += [part[i:i + self.batch_size] for i in range(0, len(part), self.batch_size)]
        self.rng.shuffle(batches)
        self._queue = batches

    def next(self) -> list[Example]:
        if not self._queue:
            self._refill()
        return self._queue.pop()


def _optimizer(net: CharTaggerNet, lr: float, cfg: TrainConfig, steps: int):
    head_params = list(net.heads.parameters())
    head_ids = {id(p) for p in head_params}
    enc_params = [p for p in net.parameters() if id(p) not in head_ids]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": lr},
                             {"params": head_params, "lr": lr * cfg.head_lr_mult}],
                            weight_decay=cfg.weight_decay)
    warm = max(1, int(steps * cfg.warmup))

    def schedule(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (steps - step) / max(1, steps - warm))

    return opt, torch.optim.lr_scheduler.LambdaLR(opt, schedule)


@dataclass
class EarlyStopping:
    """Check ``score()`` (higher is better, e.g. core micro-F1 on a validation slice) every ``every``
    steps and once at the end; the weights of the best check are restored when the stage ends, and
    the stage stops after ``patience`` checks without a gain.  The check before the first step is
    the baseline: a stage that never beats it leaves the weights as they were."""

    score: Callable[[], float]
    every: int = 50
    patience: int = 3
    checks: list[dict[str, float]] = field(default_factory=list)


def _snapshot(net: torch.nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in net.state_dict().items()}


def _check(net: torch.nn.Module, stop: EarlyStopping, step: int) -> float:
    net.eval()
    with torch.no_grad():
        value = float(stop.score())
    net.train()
    stop.checks.append({"step": step, "score": round(value, 4)})
    return value


def run_stage(state: TrainState, name: str, streams: dict[str, BatchStream], weights: dict[str, float],
              steps: int, lr: float, cfg: TrainConfig, rng: random.Random,
              early_stopping: EarlyStopping | None = None, distill: "Distillation | None" = None) -> dict[str, Any]:
    """Train ``steps`` batches, drawing each batch's stream by ``weights`` (at most ``steps`` with
    ``early_stopping``, which also restores the best checked weights).  A stream's examples name the
    head they train (``unlabelled`` windows train ``domain``); with ``distill`` every batch also
    learns the teacher's tag distributions (training/distill.py)."""
    if steps <= 0:
        return {"stage": name, "steps": 0}
    stop = early_stopping
    best_score, best_state, best_step, waited = -1.0, None, 0, 0
    if stop is not None:
        best_score, best_state = _check(state.net, stop, 0), _snapshot(state.net)
    net = state.net.train()
    head_of = {s: stream.examples[0].head for s, stream in streams.items()}
    tagsets = {h: TagSet(HEAD_LABELS[h]) for h in set(head_of.values())}
    opt, sched = _optimizer(net, lr, cfg, steps)
    names = [s for s in streams if weights.get(s, 0) > 0]
    probs = [weights[s] for s in names]
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    t0, running, chars = time.time(), 0.0, 0
    bar = tqdm(range(steps), desc=f"{name}", unit="step", dynamic_ncols=True)
    done = 0
    for step in bar:
        stream = rng.choices(names, probs)[0]
        head = head_of[stream]
        batch = streams[stream].next()
        ids, mask, gold = encode_batch(batch, state.vocab, tagsets[head])
        logits = net(ids, mask, head=head)
        gold_loss = loss_fn(logits.view(-1, logits.shape[-1]), gold.view(-1)) if bool((gold != -100).any()) else None
        loss = distill.loss(logits, ids, mask, head, gold_loss) if distill is not None else gold_loss
        if loss is None:   # a batch with nothing to learn from (no gold and no teacher)
            continue
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad(set_to_none=True)
        running = 0.98 * running + 0.02 * loss.item() if step else loss.item()
        chars += int(mask.sum())
        bar.set_postfix(loss=f"{running:.3f}", head=stream)
        done = step + 1
        if stop is not None and (done % stop.every == 0 or done == steps):
            value = _check(net, stop, done)
            if value > best_score + 1e-9:
                best_score, best_state, best_step, waited = value, _snapshot(net), done, 0
            else:
                waited += 1
            bar.write(f"{name}: step {done}, validation {value:.4f} (best {best_score:.4f} at step {best_step})")
            if waited >= stop.patience:
                break
    record = {"stage": name, "steps": steps, "final_loss": round(running, 4),
              "seconds": round(time.time() - t0, 1), "chars_seen": chars, "lr": lr,
              "weights": weights}
    if stop is not None:
        net.load_state_dict(best_state)
        record.update(steps_run=done, kept_step=best_step, validation=stop.checks, best_validation=round(best_score, 4))
    state.history.append(record)
    return record


def save_model(state: TrainState, out_dir: Path, meta: dict[str, Any]) -> Path:
    """The tagger's model folder (``save_tagger_files``: model.safetensors in fp16, config.json,
    chars.json) with ``meta`` completed by the heads the network has and the entity labels."""
    meta = dict(meta)
    meta.setdefault("tagger", "transformer")
    meta["heads"] = {h: list(HEAD_LABELS[h]) for h in state.net.heads}   # the heads the network has
    meta["labels"] = list(ENTITY_LABELS)
    return save_tagger_files(Path(out_dir), state.net, state.vocab, state.config, meta)


def config_dict(cfg: TrainConfig) -> dict[str, Any]:
    return asdict(cfg)


def steps_for(n_examples: int, epochs: float, batch_size: int) -> int:
    return max(1, math.ceil(n_examples * epochs / batch_size))
