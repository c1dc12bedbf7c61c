"""Where the store lives: a file path (SQLite, nothing to set up) or any SQLAlchemy URL.

    resolve_store_url(None)                     # ./zhie-store.sqlite (the entry points pass $ZHIE_STORE_URL)
    resolve_store_url("reviews.sqlite")         # sqlite:////abs/path/reviews.sqlite
    resolve_store_url("postgresql://u:p@db/zhie")   # postgresql+psycopg://u:p@db/zhie (psycopg 3)

SQLite connections wait up to 30 s for a lock and use write-ahead logging, so that
several service workers and a training run can share one file.
"""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

STORE_ENV = "ZHIE_STORE_URL"
DEFAULT_STORE_FILE = "zhie-store.sqlite"


class StoreConfigError(ValueError):
    """The store URL or path cannot be used."""


def resolve_store_url(value: str | os.PathLike | None = None) -> str:
    """A SQLAlchemy URL from a URL or a path (the entry points pass ``$ZHIE_STORE_URL``: zhie/settings.py),
    else the default file in the working directory."""
    raw = str(value) if value is not None and str(value) else DEFAULT_STORE_FILE
    if "://" not in raw:
        return "sqlite:///" + str(Path(raw).expanduser().resolve())
    try:
        url = make_url(raw)
    except Exception as exc:  # noqa: BLE001  (sqlalchemy raises ArgumentError on junk)
        raise StoreConfigError(f"not a database URL: {redact(raw)} ({exc})") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def redact(url: str) -> str:
    """The URL without its password, for messages and metadata."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001
        return "<unparseable URL>"


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        memory = parsed.database in (None, "", ":memory:")
        if not memory:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False},
                               **({"poolclass": StaticPool} if memory else {}))

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # noqa: ANN001
            cursor = dbapi_connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise StoreConfigError(f"the driver for {redact(url)} is not installed ({exc.name}); for PostgreSQL "
                               "install the 'postgres' extra: pip install -e '.[postgres]'") from None
