"""Label Studio as it really is (1.23): the JSON it exported after a zhie export was imported
and a named user submitted annotations through its API (tests/fixtures/labelstudio/, recorded
by ``python tests/labelstudio_session.py``), and the same round live when ``label-studio``
can be run (``$ZHIE_LABEL_STUDIO`` or on PATH; skipped otherwise, not in CI: installing and
starting it takes longer than CI's budget).

What those files hold and the reader must cope with: ``completed_by`` is a user number,
``predictions`` are listed by id only (in both exports), region ids are the editor's, the
tasks nobody annotated come in the export of all tasks, and the annotation zhie exported
comes back as a Label Studio annotation by the importing user.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO_ROOT
from labelstudio_session import ANNOTATOR, FIXTURES, record, seed_store
from zhie.store.labelstudio import read_users
from zhie.store.transfer import export_store, import_file

EXPORTS = ("export-annotated.json", "export-all-tasks.json")


def _entities(store, doc_id):  # noqa: ANN001, ANN202
    return {e.text: e for e in store.version(doc_id).annotation.entities}


def check_review_round(tmp_path: Path, folder: Path, export: str) -> None:
    """Import one of Label Studio's exports into the store the tasks came from, and check it all."""
    store = seed_store(str(tmp_path / f"{export}.sqlite"))
    assert export_store(store, "train", tmp_path / "before.jsonl") == 0  # nothing reviewed yet
    report = import_file(store, "labelstudio", folder / export, author="fallback", users=read_users(folder / "users.json"))
    assert report.failed == [] and report.notes == []
    # a submitted annotation is a human's work: reviewed, by the named annotator
    for doc_id in ("ls-1", "ls-4"):
        version = store.version(doc_id)
        assert store.document(doc_id).reviewed and version.kind == "import" and version.author == ANNOTATOR
    # ls-1: the model's regions (renamed by the editor) get their zhie ids back; the added project and witness
    ls1 = store.version("ls-1").annotation
    assert [e.id for e in ls1.entities][:6] == ["e1", "e2", "e3", "e4", "e5", "e6"]
    assert _entities(store, "ls-1")["约8亿元"].value == 8e8 and _entities(store, "ls-1")["2024年3月12日"].norm == "2024-03-12"
    [event] = ls1.events
    assert [(a.role, a.text) for a in event.arguments][-2:] == [("project", "氢能装备产业园项目"), ("witness", "林北红")]
    # ls-4: a span added before the two amounts and every region renumbered: each norm stays with its span
    ls4 = _entities(store, "ls-4")
    assert (ls4["约2亿元"].id, ls4["约2亿元"].value) == ("e3", 2e8)
    assert (ls4["约5000万元"].id, ls4["约5000万元"].value) == ("e4", 5e7)
    assert ls4["2024年5月20日"].norm == "2024-05-20" and ls4["光伏组件项目"].label == "PROJECT"
    # ls-2: the exported draft came back untouched: still unreviewed, still the draft's author
    assert not store.document("ls-2").reviewed and store.version("ls-2").author == "seed"
    # ls-3: nobody annotated it; a task whose predictions are ids is skipped, not an empty human version
    ls3 = store.version("ls-3")
    assert (ls3.version, ls3.kind, len(ls3.annotation.entities)) == (1, "prediction", 4)
    if export == "export-all-tasks.json":
        assert report.imported == 3 and len(report.skipped) == 1
        assert report.skipped[0].startswith("export-all-tasks.json task 2 (Label Studio id 3) (document 'ls-3'): "
                                            "not annotated, and its predictions are listed by id only")
    else:
        assert report.imported == 3 and report.skipped == []
    # and the training export now has the two reviewed documents
    assert export_store(store, "train", tmp_path / "train.jsonl") == 2
    store.close()


def test_the_fixtures_are_what_label_studio_writes():
    """Guard the recorded files: the shapes the reader is tested against are the real tool's."""
    tasks = json.loads((FIXTURES / "export-all-tasks.json").read_text(encoding="utf-8"))
    assert {t["data"]["doc_id"] for t in tasks} == {"ls-1", "ls-2", "ls-3", "ls-4"}
    annotations = [a for t in tasks for a in t["annotations"]]
    assert annotations and all(isinstance(a["completed_by"], int) for a in annotations)
    assert all(isinstance(p, int) for t in tasks for p in t["predictions"])
    assert all("zhie_author" not in a for a in annotations)  # Label Studio keeps only its own fields
    assert "Label Studio 1.23" in (FIXTURES / "RECORDED.md").read_text(encoding="utf-8")
    assert json.loads((FIXTURES / "users.json").read_text(encoding="utf-8"))[0]["email"] == ANNOTATOR


@pytest.mark.parametrize("export", EXPORTS)
def test_a_review_round_in_label_studio_comes_back(tmp_path, export):
    check_review_round(tmp_path, FIXTURES, export)


def test_without_the_user_list_the_annotator_is_the_user_number(tmp_path):
    store = seed_store(str(tmp_path / "s.sqlite"))
    report = import_file(store, "labelstudio", FIXTURES / "export-annotated.json", author="fallback")
    assert report.failed == []
    assert store.version("ls-1").author == "labelstudio:user-1" and store.document("ls-1").reviewed
    store.close()


def test_import_command_names_annotators_and_reports_skipped_tasks(tmp_path):
    store = seed_store(str(tmp_path / "s.sqlite"))
    store.close()
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-m", "zhie.cli", "store", "import", "--format", "labelstudio",
                           str(FIXTURES / "export-all-tasks.json"), "--users", str(FIXTURES / "users.json"),
                           "--store", str(tmp_path / "s.sqlite")], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "3 documents imported" in done.stderr and "1 skipped" in done.stderr and "0 failed" in done.stderr
    assert "(document 'ls-3'): not annotated, and its predictions are listed by id only" in done.stderr


def _label_studio() -> str | None:
    found = os.environ.get("ZHIE_LABEL_STUDIO") or shutil.which("label-studio")
    return found if found and Path(found).exists() else None


@pytest.mark.skipif(_label_studio() is None,
                    reason="label-studio is not installed (set ZHIE_LABEL_STUDIO to its executable to run this)")
def test_live_label_studio_round(tmp_path):
    """Start Label Studio on loopback, import zhie's export, annotate as a named user, export, import back."""
    folder = tmp_path / "recorded"
    record(_label_studio(), folder)
    for export in EXPORTS:
        check_review_round(tmp_path, folder, export)
