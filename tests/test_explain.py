"""Why a trigger word became an event or not (zhie/linking/explain.py, triggers.py tables), on
sentences written for these tests with their entities given."""
import subprocess
import sys

from zhie.linking.explain import explain_document, format_explanation
from zhie.linking.triggers import TRIGGER_KINDS


def _doc(text: str, ents: list[tuple[str, str]]) -> dict:
    out, pos = [], 0
    for label, piece in ents:
        s = text.index(piece, pos)
        out.append({"id": f"e{len(out) + 1}", "label": label, "start": s, "end": s + len(piece), "text": piece})
        pos = s + len(piece)
    return {"id": "t", "text": text, "entities": out}


def _outcomes(doc: dict) -> list[tuple[str, str]]:
    return [(t.decision.word, t.outcome) for s in explain_document(doc) for t in s.triggers]


def test_kept_dropped_and_too_few_arguments():
    text = "市长张伟到开发区调研。双方将于明年签订第二期协议。今年累计签约项目15个。会后进行了考察。"
    doc = _doc(text, [("OFFICIAL", "张伟"), ("ZONE", "开发区")])
    assert _outcomes(doc) == [("调研", "event"), ("签订", "dropped: plan"), ("签约", "dropped: noun-next"),
                              ("考察", "too few arguments")]


def test_offsets_are_those_of_the_text_and_arguments_are_listed():
    text = "3月5日，市长张伟到开发区调研。"
    doc = _doc(text, [("DATE", "3月5日"), ("OFFICIAL", "张伟"), ("ZONE", "开发区")])
    (sent,) = explain_document(doc)
    (trig,) = sent.triggers
    assert text[trig.start:trig.end] == "调研" and text[sent.start:sent.end] == text
    assert set(trig.arguments) == {"visitor=张伟", "target=开发区", "date=3月5日"}
    report = format_explanation("t", [sent])
    assert "调研 VISIT_INSPECT [visit] → event" in report


def test_every_kind_declares_filters_with_names_and_examples():
    names = [k.name for k in TRIGGER_KINDS]
    assert len(names) == len(set(names))
    for kind in TRIGGER_KINDS:
        assert all(f.name and f.example for f in kind.filters)


def test_extract_explain_writes_the_report_to_stderr(tmp_path):
    src = tmp_path / "a.txt"
    src.write_text("市长张伟到开发区调研。双方将于明年签订第二期协议。", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "zhie", "extract", str(src), "--explain", "-q"],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    assert '"entities"' in run.stdout                      # the JSON result as usual on stdout
    assert "签订 SIGN_CONTRACT [sign] → dropped: plan" in run.stderr
