"""The model folder: pipeline.json builds every stage, meta.json is the card only, 0.2.0-layout
folders still load and `zhie model upgrade` converts them without changing any output, the
component registry, and the fingerprint of what changes output."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEFAULT_MODEL, REPO_ROOT, TINY_MODEL
from samples import SIGNING, WEB_PAGE
from zhie.model import ModelConfig, ModelFolderError, load_model
from zhie.model.config import LEGACY_CONFIG_KEYS
from zhie.model.fingerprint import components, differences, fingerprint
from zhie.model.folder import package_scorer
from zhie.model.upgrade import upgrade_model
from zhie.registry import Registry, argument_scorers, taggers
from zhie.schema import Document

needs_model = pytest.mark.skipif(not (DEFAULT_MODEL / "model.safetensors").exists(), reason="no shipped model")


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def legacy_copy(src: Path, dest: Path) -> Path:
    """A copy of a pipeline-layout folder in the 0.2.0 layout: one meta.json holding config and card,
    no pipeline.json, no argument scorer of its own (the package's is used)."""
    shutil.copytree(src, dest)
    config, card = read(dest / "pipeline.json"), read(dest / "meta.json")
    meta = {k: v for k, v in card.items() if k != "card"}
    meta.update(name=config["name"], version=config["version"], tagger=config["tagger"]["kind"],
                max_len=config["windows"]["max_len"], labels=config["labels"], **config["tagger"]["options"],
                linker={"trigger_policy": config["linker"]["trigger_policy"]})
    write(dest / "meta.json", meta)
    (dest / "pipeline.json").unlink()
    (dest / "argument_scorer.json").unlink()
    return dest


def outputs(model: Path, docs: list[Document]) -> list[str]:
    from zhie.pipeline import Pipeline
    nlp = Pipeline.load(model)
    return [json.dumps(r.to_dict(), ensure_ascii=False) for r in nlp.pipe(docs)]


def zhie(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zhie", *args], capture_output=True, cwd=REPO_ROOT, timeout=300)


# ------------------------------------------------------------------ the shipped folder
def test_the_shipped_folder_is_config_plus_card():
    folder = load_model(DEFAULT_MODEL)
    assert folder.layout == "pipeline"
    cfg = folder.config
    assert cfg.tagger.kind == "transformer" and set(cfg.tagger.files) == {"config.json", "chars.json",
                                                                          "model.safetensors"}
    assert (cfg.windows.max_len, cfg.windows.overlap) == (128, 32)
    assert cfg.linker.argument_scorer is not None and cfg.linker.argument_scorer.file == "argument_scorer.json"
    assert folder.scorer_path() == DEFAULT_MODEL / "argument_scorer.json"   # inside the folder, not the package
    card = read(DEFAULT_MODEL / "meta.json")
    assert not set(card) & (set(LEGACY_CONFIG_KEYS) - {"name", "version"})   # no config in the card
    assert {"metrics", "release_gate", "encoder", "training"} <= set(card)
    assert not card["encoder"]["path"].startswith("/")


# ------------------------------------------------------------------ 0.2.0 folders: load, upgrade
def test_an_old_folder_loads_as_before_and_upgrades_in_place(tmp_path):
    old = legacy_copy(TINY_MODEL_AS_PIPELINE(tmp_path), tmp_path / "old")
    folder = load_model(old)
    assert folder.layout == "legacy" and folder.scorer_path() == package_scorer()
    docs = [Document(SIGNING, "s", {"date": "2023-06-20"}), Document(WEB_PAGE, "w")]
    before = outputs(old, docs)
    upgraded = upgrade_model(old)
    assert upgraded.layout == "pipeline" and (old / "pipeline.json").is_file()
    assert (old / "argument_scorer.json").read_bytes() == package_scorer().read_bytes()
    assert outputs(old, docs) == before
    with pytest.raises(ModelFolderError, match="nothing to upgrade"):
        upgrade_model(old)


def TINY_MODEL_AS_PIPELINE(tmp_path: Path) -> Path:
    """The lexicon fixture (a 0.2.0 folder) upgraded into a copy."""
    return upgrade_model(TINY_MODEL, tmp_path / "tiny-pipeline").path


@needs_model
def test_a_copy_of_the_shipped_folder_in_the_old_layout_gives_the_same_output_and_upgrades(tmp_path):
    old = legacy_copy(DEFAULT_MODEL, tmp_path / "old")
    assert load_model(old).layout == "legacy"
    gold = [json.loads(line) for line in (REPO_ROOT / "annotations" / "dev.jsonl").read_text(encoding="utf-8")
            .splitlines()[:4]]
    docs = [Document(g["text"], g["id"], g.get("meta") or {}) for g in gold] + [Document(SIGNING, "s")]
    before = outputs(old, docs)
    proc = zhie("model", "upgrade", str(old), "--out", str(tmp_path / "new"))
    assert proc.returncode == 0, proc.stderr
    new = tmp_path / "new"
    assert (new / "model.safetensors").read_bytes() == (old / "model.safetensors").read_bytes()
    assert outputs(new, docs) == before
    # the shipped folder itself, when its scorer is the package's (both came from it)
    if (DEFAULT_MODEL / "argument_scorer.json").read_bytes() == package_scorer().read_bytes():
        assert outputs(DEFAULT_MODEL, docs) == before
    a, b = components(load_model(old), "fp32"), components(load_model(new), "fp32")
    assert a["tagger"]["files"] == b["tagger"]["files"] and "model.safetensors" in a["tagger"]["files"]
    assert a["linker"]["argument_scorer"]["sha256"] == b["linker"]["argument_scorer"]["sha256"]
    assert a["windows"] == b["windows"] == {"max_len": 128, "overlap": 32}


# ------------------------------------------------------------------ the config is checked
@pytest.mark.parametrize("change, message", [
    (lambda c: c["linker"]["argument_scorer"].update(file="/etc/scorer.json"), "relative path inside"),
    (lambda c: c["linker"]["argument_scorer"].update(file="../scorer.json"), "relative path inside"),
    (lambda c: c["windows"].update(overlap=48), "overlap 48 must be at least 0 and below max_len 48"),
    (lambda c: c.update(precision="fp16"), "unknown precision 'fp16'"),
    (lambda c: c.update(format=7), "format 7, newer than this zhie reads"),
    (lambda c: c.update(surprise=1), "surprise: Extra inputs are not permitted"),
    (lambda c: c["linker"]["argument_scorer"].update(file="missing.json"), "names files that are not there: missing"),
])
def test_a_wrong_config_is_a_clear_error(tmp_path, change, message):
    model = TINY_MODEL_AS_PIPELINE(tmp_path)
    config = read(model / "pipeline.json")
    change(config)
    write(model / "pipeline.json", config)
    with pytest.raises(ModelFolderError, match=message):
        load_model(model)
    proc = zhie("extract", str(REPO_ROOT / "samples" / "article.txt"), "--model", str(model))
    assert proc.returncode == 2 and b"pipeline.json" in proc.stderr


def test_a_card_of_another_model_or_with_absolute_provenance_is_refused(tmp_path):
    model = TINY_MODEL_AS_PIPELINE(tmp_path)
    card = read(model / "meta.json")
    write(model / "meta.json", dict(card, version="other"))
    with pytest.raises(ModelFolderError, match="card belongs to another model"):
        load_model(model)
    write(model / "meta.json", dict(card, parent={"name": "p", "version": "1", "path": "/home/me/models/p"}))
    with pytest.raises(ModelFolderError, match="relative or symbolic, not absolute: parent.path"):
        load_model(model)


def test_the_window_settings_come_from_the_config(tmp_path):
    from zhie.pipeline import Pipeline
    model = TINY_MODEL_AS_PIPELINE(tmp_path)
    config = read(model / "pipeline.json")
    config["windows"]["overlap"] = 5
    write(model / "pipeline.json", config)
    nlp = Pipeline.load(model)
    assert (nlp.windows.max_len, nlp.windows.overlap) == (48, 5) and nlp.tagger.max_len == 48
    windows = nlp._prepare(Document("。".join(["晋中开发区与晋能控股集团签约"] * 12))).windows
    assert len(windows) > 1


def test_upgrade_turns_absolute_provenance_paths_symbolic(tmp_path):
    old = tmp_path / "old"
    shutil.copytree(TINY_MODEL, old)
    meta = read(old / "meta.json")
    write(old / "meta.json", dict(meta, parent={"name": "p", "version": "1", "path": str(REPO_ROOT / "models" / "p")},
                                  encoder={"path": "/data/encoders/e5-small"}))
    card = read(upgrade_model(old).card_path)
    assert card["parent"]["path"] == "models/p" and card["encoder"]["path"] == "e5-small"
    assert card["card"] == 1 and "entries" not in card and "max_len" not in card


# ------------------------------------------------------------------ the card only
def test_evaluate_record_writes_the_card_only_and_keeps_the_fingerprint(tmp_path):
    model = TINY_MODEL_AS_PIPELINE(tmp_path)
    config_before = (model / "pipeline.json").read_bytes()
    print_before = fingerprint(components(load_model(model), None))
    gold = {"id": "g", "text": "晋中开发区与晋能控股集团签约。", "entities": [
        {"id": "e1", "label": "ZONE", "start": 0, "end": 5, "text": "晋中开发区"},
        {"id": "e2", "label": "COMPANY", "start": 6, "end": 12, "text": "晋能控股集团"}]}
    (tmp_path / "gold.jsonl").write_text(json.dumps(gold, ensure_ascii=False) + "\n", encoding="utf-8")
    proc = zhie("evaluate", str(tmp_path / "gold.jsonl"), "--model", str(model), "--record", "check")
    assert proc.returncode == 0, proc.stderr
    assert (model / "pipeline.json").read_bytes() == config_before
    assert read(model / "meta.json")["metrics"]["check"]["entities_micro_core"]["f1"] == 1.0
    assert fingerprint(components(load_model(model), None)) == print_before


# ------------------------------------------------------------------ fingerprint
def test_the_fingerprint_follows_every_component_that_changes_output(tmp_path):
    model = TINY_MODEL_AS_PIPELINE(tmp_path)
    base = components(load_model(model), None)
    assert differences(base, components(load_model(model), None)) == []

    def changed(edit) -> list[str]:
        config = read(model / "pipeline.json")
        edit(config)
        write(model / "pipeline.json", config)
        return differences(base, components(load_model(model), None))

    assert changed(lambda c: c["linker"].update(trigger_policy="union"))[0].startswith("the trigger policy")
    assert changed(lambda c: c["windows"].update(overlap=3))[0].startswith("the window settings")
    assert any(d.startswith("the tagger config") for d in changed(lambda c: c["tagger"]["options"]["entries"]
                                                                   ["ZONE"].append("新开发区")))
    assert "the precision" in differences(base, components(load_model(model), "int8"))[-1]
    other_code = dict(base, code=dict(base["code"], source="0" * 64))   # another zhie source tree
    assert differences(base, other_code) == ["the zhie code (" + base["code"]["source"][:12] + "… then, 000000000000… now)"]
    scorer = read(model / "argument_scorer.json")
    first = next(iter(scorer["models"].values()))
    first["b"][0] += 1.0
    write(model / "argument_scorer.json", scorer)
    assert any(d.startswith("the argument scorer (argument_scorer.json sha256") for d in
               differences(base, components(load_model(model), None)))


# ------------------------------------------------------------------ registry
def test_the_registry_is_catalogue_backed_with_clear_errors():
    import catalogue
    import zhie.tagger  # noqa: F401
    assert "lexicon" in taggers.names() and taggers.has("lexicon")
    assert catalogue.check_exists("zhie", "taggers", "lexicon")
    import zhie.model.build  # noqa: F401
    assert "logreg" in argument_scorers.names()
    kind = Registry("widget")
    obj = object()
    kind.register("one")(obj)
    kind.register("one")(obj)                        # the same object again is fine
    with pytest.raises(ValueError, match="widget 'one' is already registered"):
        kind.register("one")(object())
    with pytest.raises(KeyError, match=r"unknown widget 'two' \(known: one\)"):
        kind.get("two")


def test_a_model_config_round_trips():
    cfg = load_model(DEFAULT_MODEL).config
    assert ModelConfig.model_validate(json.loads(json.dumps(cfg.to_json()))) == cfg
