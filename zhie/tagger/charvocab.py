"""One token per character: the character → encoder-id table shipped with a model.

The encoder's SentencePiece pieces often span several characters, which would put
entity boundaries inside a token; instead every character is NFKC-normalised and
looked up as a single-character piece.  Whitespace maps to the word-boundary piece.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path

BOUNDARY_PIECE = "\u2581"


@dataclass
class CharVocab:
    ids: dict[str, int]
    unk_id: int
    pad_id: int
    cls_id: int
    sep_id: int
    space_id: int

    def encode(self, text: str) -> list[int]:
        out = []
        for ch in text:
            if ch.isspace():
                out.append(self.space_id)
                continue
            i = self.ids.get(ch)
            if i is None:
                i = self.ids.get(unicodedata.normalize("NFKC", ch)[:1] or ch, self.unk_id)
            out.append(i)
        return out

    def save(self, path: Path) -> None:
        data = {"unk_id": self.unk_id, "pad_id": self.pad_id, "cls_id": self.cls_id,
                "sep_id": self.sep_id, "space_id": self.space_id, "ids": self.ids}
        Path(path).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "CharVocab":
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(ids=d["ids"], unk_id=d["unk_id"], pad_id=d["pad_id"], cls_id=d["cls_id"],
                   sep_id=d["sep_id"], space_id=d["space_id"])

    @classmethod
    def from_tokenizer(cls, tokenizer) -> "CharVocab":
        """Keep the single-character pieces of a Hugging Face tokenizer."""
        vocab = tokenizer.get_vocab()
        ids = {piece: i for piece, i in vocab.items() if len(piece) == 1}
        return cls(ids=ids, unk_id=tokenizer.unk_token_id, pad_id=tokenizer.pad_token_id,
                   cls_id=tokenizer.cls_token_id, sep_id=tokenizer.sep_token_id,
                   space_id=vocab.get(BOUNDARY_PIECE, tokenizer.unk_token_id))
