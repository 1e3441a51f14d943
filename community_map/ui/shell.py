"""Streamlit-side helpers shared by app.py and the pages: engine, caching, login state.

This is the only place, with app.py and pages/, that imports Streamlit; the
community_map package knows nothing of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from community_map import i18n, storage
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.settings import Settings, get_settings
from community_map.trust import Actor, Permission

__all__ = [
    "ACTOR_KEY",
    "LANGUAGE_KEY",
    "current_actor",
    "db_session",
    "engine",
    "language_selector",
    "plain",
    "report_error",
    "require_actor",
    "require_permission",
    "settings",
    "setup_language",
    "show_table",
    "upload_limit_mb",
    "upload_too_large",
]

LANGUAGE_KEY = "language"
ACTOR_KEY = "actor"

# Markdown that data could use to inject links, images, emphasis, HTML, LaTeX or
# Streamlit's colour directives: escaped with a backslash, which markdown shows as is.
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#$~|{}])")


def plain(text: object) -> str:
    """``text`` escaped so that Streamlit's markdown shows it as it is, never as markup.

    Every message that carries data (names, titles, codes, notes, error messages that
    quote input) goes through it before ``st.error``, ``st.info``, ``st.caption``,
    ``st.markdown`` or a widget label; tests/test_markdown_safety.py checks the pages.

    Examples
    --------
    >>> print(plain("[click](http://evil.example) ![x](http://e/i.png) **b** $x$"))
    \\[click\\](http\\://evil.example) !\\[x\\](http\\://e/i.png) \\*\\*b\\*\\* \\$x\\$
    >>> plain("Casal Nou: 3 sessions.")
    'Casal Nou: 3 sessions.'
    """
    escaped = _MARKDOWN.sub(r"\\\1", str(text))
    # bare addresses become links in GitHub-flavoured markdown
    return escaped.replace("://", "\\://").replace("www.", "www\\.")


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
        st.error(plain(str(exc)))
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
        st.error(
            plain(_("Your role ({role}) cannot open this page.").format(role=actor.role_label))
        )
        st.stop()
    return actor


STREAMLIT_MAX_UPLOAD_MB = 200
"""``server.maxUploadSize`` in .streamlit/config.toml: no uploader can accept more."""


def upload_limit_mb() -> int:
    """The largest upload the pages accept, in MB: the setting ``max_upload_mb``."""
    return max(1, min(int(settings().max_upload_mb), STREAMLIT_MAX_UPLOAD_MB))


def upload_too_large(upload: object) -> bool:
    """Whether ``upload`` (an ``UploadedFile``) is over the limit; if so, say it, translated."""
    size = int(getattr(upload, "size", 0))
    limit = upload_limit_mb()
    if size <= limit * 2**20:
        return False
    st.error(
        plain(
            _(
                "{file} is {size:.1f} MB; files up to {limit} MB can be uploaded. Split it into "
                "smaller files, or import it with the command line."
            ).format(file=getattr(upload, "name", ""), size=size / 2**20, limit=limit)
        )
    )
    return True


def report_error(exc: CommunityMapError) -> None:
    """Show a community_map error as a message (never a traceback), as plain text."""
    st.error(plain(str(exc)))


def show_table(
    frame: pd.DataFrame, labels: Mapping[str, str] | None = None, *, index: bool = False
) -> None:
    """Draw ``frame`` full width, with its columns renamed to the translated ``labels``."""
    shown = frame.rename(columns=dict(labels)) if labels else frame
    st.dataframe(shown, hide_index=not index, width="stretch")
