"""A real Label Studio on loopback, driven through its HTTP API (for the live test and for
recording the fixtures in ``tests/fixtures/labelstudio/``).

``LabelStudio.start(executable, data_dir)`` runs ``label-studio start`` on 127.0.0.1 with a
throw-away data folder and a default user (``ANNOTATOR``) whose API token is set from the
environment (``LABEL_STUDIO_USERNAME``/``PASSWORD``/``USER_TOKEN``, legacy tokens enabled).

Recording the fixtures (needs ``label-studio``, e.g. ``python3.11 -m venv /tmp/lsvenv &&
/tmp/lsvenv/bin/pip install label-studio``)::

    python tests/labelstudio_session.py /tmp/lsvenv/bin/label-studio

writes the zhie export that was imported, Label Studio's two JSON exports (annotated tasks
only, and all tasks) and its user list.  All text is the synthetic ``SCENARIO`` below.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from live_server import free_port

ANNOTATOR = "wang.fang@example.org"
TOKEN = "5e1f0c2a9b7d4e3f8a6c1b0d2e4f6a8c9b7d5e3f"   # the throw-away server's API token
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "labelstudio"

# Synthetic documents (written for these tests, no real article text).  "ls-1" and "ls-3" hold
# a model prediction, "ls-2" and "ls-4" an unreviewed human draft with AMOUNT/DATE norms.
SCENARIO = [
    ("ls-1", "2024年3月12日，大同经开区与晋能控股集团签约，计划投资约8亿元建设氢能装备产业园项目。管委会副主任林北红出席。",
     "prediction"),
    ("ls-2", "今年以来，长治高新技术产业开发区累计引进项目12个，总投资约30亿元。", "draft"),
    ("ls-3", "4月9日，市商务局局长周晓东到太原武宿综合保税区调研。", "prediction"),
    ("ls-4", "2024年5月20日，晋中开发区签约光伏组件项目和储能电站项目，一个投资约2亿元，另一个投资约5000万元。", "draft"),
]


@dataclass
class LabelStudio:
    url: str
    process: subprocess.Popen | None = None

    @classmethod
    def start(cls, executable: str, data_dir: Path, timeout: float = 300.0) -> "LabelStudio":
        port = free_port()
        env = dict(os.environ, LABEL_STUDIO_BASE_DATA_DIR=str(data_dir), LABEL_STUDIO_USERNAME=ANNOTATOR,
                   LABEL_STUDIO_PASSWORD="throw-away-pass-1", LABEL_STUDIO_USER_TOKEN=TOKEN,
                   LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true", LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
                   COLLECT_ANALYTICS="false")
        log = open(data_dir / "label-studio.log", "w", encoding="utf-8")
        process = subprocess.Popen([executable, "start", "--no-browser", "--host", "127.0.0.1", "-p", str(port),
                                    "--data-dir", str(data_dir), "--username", ANNOTATOR,
                                    "--password", "throw-away-pass-1", "--user-token", TOKEN,
                                    "--enable-legacy-api-token"],
                                   env=env, stdout=log, stderr=subprocess.STDOUT, cwd=data_dir)
        ls = cls(f"http://127.0.0.1:{port}", process)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"label-studio exited with {process.returncode}; see {data_dir}/label-studio.log")
            try:
                ls.call("GET", "/api/version")
                return ls
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(1.0)
        ls.stop()
        raise RuntimeError(f"label-studio did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Authorization": f"Token {TOKEN}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    # -- the steps of a review round ---------------------------------------------
    def project(self, label_config: str) -> int:
        return self.call("POST", "/api/projects", {"title": "zhie review", "label_config": label_config})["id"]

    def import_tasks(self, project: int, tasks: list[dict[str, Any]]) -> dict[int, str]:
        """Import zhie's tasks; ``{Label Studio task id: zhie document id}``."""
        self.call("POST", f"/api/projects/{project}/import", tasks)
        listed = self.call("GET", f"/api/tasks?project={project}&page_size=100&fields=all")
        listed = listed["tasks"] if isinstance(listed, dict) else listed
        return {t["id"]: t["data"]["doc_id"] for t in listed}

    def annotate(self, task: int, result: list[dict[str, Any]]) -> dict[str, Any]:
        """Submit an annotation as the logged-in user (what the Submit button sends)."""
        return self.call("POST", f"/api/tasks/{task}/annotations/", {"result": result, "lead_time": 42.5})

    def export(self, project: int, all_tasks: bool) -> list[dict[str, Any]]:
        flag = "true" if all_tasks else "false"
        return self.call("GET", f"/api/projects/{project}/export?exportType=JSON&download_all_tasks={flag}")

    def users(self) -> list[dict[str, Any]]:
        return self.call("GET", "/api/users/")


# -- the scenario -------------------------------------------------------------------
def seed_store(url: str):
    """A zhie store holding the SCENARIO (predictions of the tiny lexicon model, drafts unreviewed)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from zhie.pipeline import Pipeline
    from zhie.schema import Document
    from zhie.store import Store

    nlp = Pipeline.load(Path(__file__).resolve().parent / "fixtures" / "tiny-model")
    store = Store(url)
    for doc_id, text, kind in SCENARIO:
        doc = Document(text, doc_id, {"date": "2024-06-01"})
        prediction = nlp(doc)
        if kind == "prediction":
            store.add_document(doc, prediction)
        else:
            draft = prediction.to_dict()
            for item in [*draft["entities"], *draft["events"]]:
                item.pop("score", None)
                for arg in item.get("arguments", []):
                    arg.pop("score", None)
            store.import_annotation(doc, {k: draft[k] for k in ("entities", "relations", "events")},
                                    author="seed", reviewed=False)
    return store


def _renumbered(results: list[dict[str, Any]], prefix: str) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The regions and links of ``results`` with new random-looking region ids, as the editor gives them."""
    ids = {r["id"]: f"{prefix}{k}w9" for k, r in enumerate(results) if r["type"] == "labels"}
    out = [{**{key: r[key] for key in ("from_name", "to_name", "type", "value")}, "id": ids[r["id"]],
            "origin": "prediction-changed"} for r in results if r["type"] == "labels"]
    out += [{**r, "from_id": ids[r["from_id"]], "to_id": ids[r["to_id"]]} for r in results if r["type"] == "relation"]
    return out, ids


def _region(rid: str, text: str, surface: str, label: str) -> dict[str, Any]:
    s = text.index(surface)
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
            "value": {"start": s, "end": s + len(surface), "text": surface, "labels": [label]}}


def edit_ls1(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The annotator's work on ls-1 (a prediction): its regions under new ids, the project the
    model missed added and drawn towards the trigger, 林北红 added as witness."""
    text = task["data"]["text"]
    result, ids = _renumbered(task["predictions"][0]["result"], "Qx")
    by_text = {r["value"]["text"]: r["id"] for r in result if r["type"] == "labels"}
    result.append(_region("Pj7pLm", text, "氢能装备产业园项目", "PROJECT"))
    result.append({"from_id": "Pj7pLm", "to_id": by_text["签约"], "type": "relation", "direction": "right",
                   "labels": ["project"]})
    result.append({"from_id": by_text["签约"], "to_id": by_text["林北红"], "type": "relation", "direction": "right",
                   "labels": ["witness"]})
    return result


def edit_ls4(task: dict[str, Any]) -> list[dict[str, Any]]:
    """The annotator's work on ls-4 (a draft with two AMOUNTs): its regions renumbered by the
    editor, and a PROJECT span added before the amounts (so any numbering by position shifts)."""
    text = task["data"]["text"]
    result, _ = _renumbered(task["annotations"][0]["result"], "R")
    return [_region("Np4Kq", text, "光伏组件项目", "PROJECT"), *result]


def record(executable: str, out: Path = FIXTURES) -> None:
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from zhie.store.labelstudio import labeling_config
    from zhie.store.transfer import export_file

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zhie-ls-") as tmp:
        store = seed_store(str(Path(tmp) / "seed.sqlite"))
        export_file(store, "labelstudio", out / "zhie-export.json")
        store.close()
        ls = LabelStudio.start(executable, Path(tmp))
        try:
            project = ls.project(labeling_config())
            tasks = json.loads((out / "zhie-export.json").read_text(encoding="utf-8"))
            by_doc = {v: k for k, v in ls.import_tasks(project, tasks).items()}
            full = {t["data"]["doc_id"]: t for t in ls.export(project, all_tasks=True)}
            ls.annotate(by_doc["ls-1"], edit_ls1(next(t for t in tasks if t["data"]["doc_id"] == "ls-1")))
            ls.annotate(by_doc["ls-4"], edit_ls4(next(t for t in tasks if t["data"]["doc_id"] == "ls-4")))
            assert full, "Label Studio exported no task"
            for name, data in (("export-annotated.json", ls.export(project, all_tasks=False)),
                               ("export-all-tasks.json", ls.export(project, all_tasks=True)),
                               ("users.json", ls.users())):
                (out / name).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            version = ls.call("GET", "/api/version")["release"]
            (out / "RECORDED.md").write_text(
                f"Recorded with Label Studio {version} by `python tests/labelstudio_session.py` "
                f"(tests/labelstudio_session.py: SCENARIO, edit_ls1, edit_ls4); synthetic text only.\n",
                encoding="utf-8")
        finally:
            ls.stop()


if __name__ == "__main__":
    record(sys.argv[1] if len(sys.argv) > 1 else "label-studio")
