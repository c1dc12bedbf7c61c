"""The store's tables (SQLAlchemy 2 declarative mapping), the same on SQLite and PostgreSQL.

- ``zhie_documents``: one row per document: text, meta, the current annotation version,
  the latest reviewed version, and the queue measure of the latest model prediction;
- ``zhie_annotations``: every annotation version ever saved (document id + version is the
  key; rows are only ever inserted), with its author, kind, model and changes;
- ``zhie_reviews``: every "reviewed" mark (who marked which version, when);
- ``zhie_store_info``: the schema version, for future migrations.

Annotations are JSON (PostgreSQL ``json``, which keeps key order, rather than ``jsonb``).

The order of arrival ``zhie_documents.seq`` is unique: on PostgreSQL it is drawn from the
sequence ``zhie_document_arrival``; on SQLite it is ``max + 1`` computed inside the INSERT,
which SQLite runs under its single write lock (``Store._next_arrival``).
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, Sequence, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = 1


class Base(DeclarativeBase):
    pass


# the order of arrival on databases with sequences (PostgreSQL); created by create_all, also in older stores
ARRIVAL_SEQUENCE = Sequence("zhie_document_arrival", metadata=Base.metadata)


class DocumentRow(Base):
    __tablename__ = "zhie_documents"

    id: Mapped[str] = mapped_column(String(256), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True, unique=True)  # order of arrival (unique, increasing)
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    added_by: Mapped[str] = mapped_column(String(256))
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    reviewed_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uncertainty: Mapped[float | None] = mapped_column(Float, nullable=True)
    low_confidence: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mean_score: Mapped[float | None] = mapped_column(Float, nullable=True)


class AnnotationRow(Base):
    __tablename__ = "zhie_annotations"

    document_id: Mapped[str] = mapped_column(ForeignKey("zhie_documents.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    author: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    model_name: Mapped[str | None] = mapped_column(String(256), nullable=True)
    model_version: Mapped[str | None] = mapped_column(String(256), nullable=True)
    based_on: Mapped[int | None] = mapped_column(Integer, nullable=True)
    annotation: Mapped[dict[str, Any]] = mapped_column(JSON)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    scores: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class ReviewRow(Base):
    __tablename__ = "zhie_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("zhie_documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(256))
    reviewed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_zhie_reviews_document", "document_id", "version"),)


class StoreInfoRow(Base):
    __tablename__ = "zhie_store_info"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(256))
