"""The argument models of zhie/linking/argument_scorer.py: the stacked role model trained on the
repo's own gold (annotations/train.jsonl), saved, loaded by its kind, and used by the event finder."""
import json

import pytest

from zhie.evaluate import evaluate
from zhie.linking import Linker
from zhie.linking.argument_scorer import ArgumentScorer, StackedRoleClassifier
from zhie.linking.events import EventFinder
from zhie.linking.oracle import predict_links
from zhie.linking.train_scorer import train, train_stacked
from zhie.model.build import _load_argument_scorer, _load_stacked_scorer
from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def gold():
    lines = (REPO_ROOT / "annotations" / "train.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_stacked_model_round_trips_and_is_loaded_by_its_kind(gold, tmp_path):
    stacked = train_stacked(gold[:20], l2=10.0)
    path = tmp_path / "stacked.json"
    stacked.save(path)
    loaded = ArgumentScorer.load(path)
    assert isinstance(loaded, StackedRoleClassifier) and loaded.kind == "stacked"
    assert _load_stacked_scorer(path).kind == "stacked"
    with pytest.raises(ValueError, match="kind 'stacked'"):
        _load_argument_scorer(path)          # a config saying "logreg" (blend) refuses a stacked file
    blend, _, _ = train(gold[:20])
    blend.save(tmp_path / "blend.json")
    with pytest.raises(ValueError, match="kind 'blend'"):
        _load_stacked_scorer(tmp_path / "blend.json")


def test_stacked_model_chooses_arguments_with_calibrated_scores(gold):
    stacked = train_stacked(gold, l2=10.0)
    linker = Linker(event_finder=EventFinder(scorer=stacked))
    preds = [predict_links(d, linker) for d in gold]
    scores = [a["score"] for p in preds for v in p["events"] for a in v["arguments"]]
    assert scores and all(0.0 < s <= 1.0 for s in scores)
    report = evaluate(gold, preds).to_dict()
    assert report["arguments_micro"]["f1"] > 0.85      # on its own training documents it fits them


def test_unknown_scorer_kind_is_a_clear_error(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"kind": "forest", "models": {}}), encoding="utf-8")
    with pytest.raises(ValueError, match="unknown argument scorer kind 'forest'"):
        ArgumentScorer.load(path)
