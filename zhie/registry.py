"""The component registry: every pluggable part of a pipeline is registered by name, so that a
model folder's ``pipeline.json`` builds the pipeline from names (built on ``catalogue``).

    @taggers.register("transformer")
    class TransformerTagger(Tagger): ...

    taggers.get("transformer").load(path, meta)

Kinds: ``taggers`` (a model's ``tagger.kind``) and ``argument_scorers`` (its
``linker.argument_scorer.kind``: a loader ``(path) -> scorer``).  A name may be registered once
per kind (the same object again is fine); an unknown name is a ``KeyError`` listing the known ones.
"""
from __future__ import annotations

from typing import Any, Callable, Generic, TypeVar

import catalogue

T = TypeVar("T")
NAMESPACE = "zhie"


class Registry(Generic[T]):
    """One kind of component: a thin layer over a ``catalogue`` registry with clear errors."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._catalogue = catalogue.create(NAMESPACE, kind.replace(" ", "_") + "s", entry_points=False)

    def register(self, name: str, obj: T | None = None) -> Callable[[T], T]:
        """A decorator registering its argument as ``name`` (or register ``obj`` at once)."""
        def decorator(item: T) -> T:
            if self.has(name) and self._catalogue.get(name) is not item:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._catalogue.register(name, func=item)
            return item
        if obj is not None:
            decorator(obj)
        return decorator

    def get(self, name: str) -> T:
        if not self.has(name):
            known = ", ".join(self.names()) or "none"
            raise KeyError(f"unknown {self.kind} {name!r} (known: {known})")
        return self._catalogue.get(name)

    def has(self, name: str) -> bool:
        return name in self._catalogue.get_all()

    def names(self) -> list[str]:
        return sorted(self._catalogue.get_all())


taggers: Registry[Any] = Registry("tagger")
argument_scorers: Registry[Any] = Registry("argument scorer")
