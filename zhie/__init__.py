"""zhie: information extraction from Chinese development-zone news.

    from zhie import Pipeline, Document
    nlp = Pipeline.load()                      # the shipped default model
    result = nlp(Document(text, meta={"date": "2023-06-20"}))
    result.to_dict()                           # the JSON of SCHEMA.md
"""
from __future__ import annotations

__version__ = "0.4.0"

from .schema import Document, Entity, Event, Extraction, Relation  # noqa: E402


def __getattr__(name: str):
    if name == "Pipeline":  # lazy: importing zhie does not import torch
        from .pipeline import Pipeline
        return Pipeline
    raise AttributeError(name)


__all__ = ["Document", "Entity", "Event", "Extraction", "Relation", "Pipeline", "__version__"]
