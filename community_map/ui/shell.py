"""Streamlit-side helpers shared by app.py and the pages: engine, caching, login state.

This is the only place, with app.py and pages/, that imports Streamlit; the
community_map package knows nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from community_map import i18n, storage
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.settings import Settings, get_settings
from community_map.trust import Actor, Permission, record_export

__all__ = [
    "ACTOR_KEY",
    "LANGUAGE_KEY",
    "current_actor",
    "db_session",
    "deferred_download",
    "engine",
    "language_selector",
    "personal_download",
    "record_download",
    "report_error",
    "require_actor",
    "require_permission",
    "settings",
    "setup_language",
    "show_table",
]

LANGUAGE_KEY = "language"
ACTOR_KEY = "actor"


def settings() -> Settings:
    """Return the settings, read once per process."""
    return get_settings()


@st.cache_resource(show_spinner=False)
def _engine(url: str, busy_timeout_ms: int) -> Engine:
    engine = storage.create_db_engine(url, busy_timeout_ms=busy_timeout_ms)
    storage.check_schema(engine)
    return engine


def engine() -> Engine:
    """Return the shared engine, or stop the page with a clear message if unusable."""
    conf = settings()
    try:
        return _engine(conf.database_url, conf.sqlite_busy_timeout_ms)
    except CommunityMapError as exc:
        st.error(str(exc))
        st.stop()
        raise  # unreachable: st.stop() ends the run


@contextmanager
def db_session() -> Iterator[Session]:
    """Yield a database session that commits on success."""
    with storage.session_scope(engine()) as session:
        yield session


def setup_language() -> str:
    """Activate the user's language: their choice, else the browser's, else the default."""
    if LANGUAGE_KEY not in st.session_state:
        browser = getattr(st.context, "locale", None)
        st.session_state[LANGUAGE_KEY] = i18n.language_from_locale(
            browser, default=settings().default_language
        )
    i18n.set_language(st.session_state[LANGUAGE_KEY])
    return str(st.session_state[LANGUAGE_KEY])


def language_selector() -> None:
    """Draw the language selector in the sidebar."""
    codes = list(i18n.LANGUAGES)
    current = st.session_state.get(LANGUAGE_KEY, i18n.FALLBACK_LANGUAGE)
    choice = st.sidebar.selectbox(
        _("Language"),
        codes,
        index=codes.index(current),
        format_func=lambda code: i18n.LANGUAGES[code],
        key="language_selector",
    )
    if choice != current:
        st.session_state[LANGUAGE_KEY] = choice
        st.rerun()


def current_actor() -> Actor | None:
    """Return the logged-in actor of this browser session, if any."""
    actor = st.session_state.get(ACTOR_KEY)
    return actor if isinstance(actor, Actor) else None


def require_actor() -> Actor:
    """Return the logged-in actor or stop the page."""
    actor = current_actor()
    if actor is None:
        st.warning(_("Please log in."))
        st.stop()
        raise RuntimeError  # unreachable
    return actor


def require_permission(permission: Permission) -> Actor:
    """Return the logged-in actor if they hold ``permission``, else stop the page."""
    actor = require_actor()
    if not actor.can(permission):
        st.error(_("Your role ({role}) cannot open this page.").format(role=actor.role_label))
        st.stop()
    return actor


def report_error(exc: CommunityMapError) -> None:
    """Show a community_map error as a message (never a traceback)."""
    st.error(str(exc))


def show_table(
    frame: pd.DataFrame, labels: Mapping[str, str] | None = None, *, index: bool = False
) -> None:
    """Draw ``frame`` full width, with its columns renamed to the translated ``labels``."""
    shown = frame.rename(columns=dict(labels)) if labels else frame
    st.dataframe(shown, hide_index=not index, width="stretch")


def record_download(kind: str, rows: int, filters: Mapping[str, Any]) -> None:
    """``on_click`` of a download holding participant codes: audit the download (if any rows).

    Streamlit calls it when the user clicks the button, so the audit log records actual
    downloads, not every run that prepared one.
    """
    actor = current_actor()
    if actor is None or rows <= 0:
        return
    with db_session() as session:
        record_export(session, actor, kind, rows, **filters)


def personal_download(
    container: Any,
    label: str,
    data: bytes,
    file_name: str,
    mime: str,
    *,
    key: str,
    kind: str,
    rows: int,
    filters: Mapping[str, Any],
) -> None:
    """A download button for a file holding participant codes: each click is audited."""
    container.download_button(
        label,
        data,
        file_name,
        mime,
        key=key,
        on_click=record_download,
        args=(kind, rows, dict(filters)),
    )


def deferred_download(
    label: str,
    produce: Callable[[Session], bytes],
    file_name: str,
    mime: str,
    *,
    key: str,
) -> None:
    """A download button whose file ``produce`` makes, in a database session, on the click.

    Streamlit runs ``produce`` when the user clicks, on another thread: the file is made
    (and any audit entry it writes is recorded) only for actual downloads.
    """
    shared = engine()
    language = i18n.get_language()

    def make() -> bytes:
        i18n.set_language(language)
        with storage.session_scope(shared) as session:
            return produce(session)

    st.download_button(label, make, file_name, mime, key=key)
