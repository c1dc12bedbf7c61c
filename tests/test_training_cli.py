"""`python -m training` arguments: corpus paths given as files or folders, the command kept in the card."""
from __future__ import annotations

import pytest

from training.cli import _corpus_file, build_parser


def test_a_corpus_is_a_file_or_the_folder_that_holds_it(tmp_path):
    (tmp_path / "dev.json").write_text("{}\n", encoding="utf-8")
    assert _corpus_file(str(tmp_path), "dev.json", "--cluener-dev") == str(tmp_path / "dev.json")
    assert _corpus_file(str(tmp_path / "dev.json"), "dev.json", "--cluener-dev") == str(tmp_path / "dev.json")
    assert _corpus_file(None, "dev.json", "--cluener-dev") is None
    with pytest.raises(SystemExit, match="--msra-test: no such file: .*test.bio"):
        _corpus_file(str(tmp_path), "test.bio", "--msra-test")


def test_public_eval_takes_folders_as_train_does():
    args = build_parser().parse_args(["public-eval", "--model", "m", "--cluener-dev", "d", "--msra-test", "t"])
    assert (args.cluener_dev, args.msra_test) == ("d", "t")
