"""Streamlit-side helpers shared by app.py and the pages: engine, caching, login state.

This is the only place, with app.py and pages/, that imports Streamlit; the
community_map package knows nothing of it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from community_map import i18n, storage, trust
from community_map.errors import AuthenticationError, CommunityMapError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.settings import Settings, get_settings
from community_map.trust import Actor, Permission, record_export

__all__ = [
    "ACTOR_KEY",
    "COOKIE_NAME",
    "LANGUAGE_KEY",
    "LAST_SEEN_KEY",
    "NOTICE_KEY",
    "begin_run",
    "client_address",
    "current_actor",
    "db_session",
    "deferred_download",
    "engine",
    "language_selector",
    "log_out",
    "personal_download",
    "plain",
    "record_download",
    "report_error",
    "require_actor",
    "require_permission",
    "settings",
    "setup_language",
    "show_table",
    "sso_configured",
    "start_login",
    "upload_help",
    "upload_limit_mb",
    "upload_too_large",
]

LANGUAGE_KEY = "language"
ACTOR_KEY = "actor"
LAST_SEEN_KEY = "last_seen"  # time.time() of the last run with a logged-in actor
NOTICE_KEY = "login_notice"  # why the user was logged out, shown on the login page
_LOGGED_OUT_KEY = "logged_out"  # no restoring from a token or single sign-on in this session
_SSO_REFUSED_KEY = "sso_refused"
_TOKEN_AT_KEY = "token_issued_at"
_COOKIE_KEY = "login_cookie"  # the cookie value to write on the next run ("" deletes it)
COOKIE_NAME = "community_map_login"
_TOKEN_REFRESH_SECONDS = 60

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


def client_address() -> str | None:
    """The browser's network address, for per-client log-in throttling (None locally)."""
    return getattr(st.context, "ip_address", None)


def sso_configured() -> bool:
    """Whether single sign-on is set up (an ``[auth]`` section in .streamlit/secrets.toml)."""
    try:
        return bool(st.secrets.load_if_toml_exists() and "auth" in st.secrets)
    except Exception:  # a malformed secrets file means no single sign-on
        return False


def start_login(actor: Actor) -> None:
    """Remember a successful log-in in this browser session (a token is issued next run)."""
    st.session_state[ACTOR_KEY] = actor
    st.session_state[LAST_SEEN_KEY] = time.time()
    for key in (_LOGGED_OUT_KEY, NOTICE_KEY, _TOKEN_AT_KEY, _SSO_REFUSED_KEY):
        st.session_state.pop(key, None)


def _end_login(notice: str | None) -> None:
    st.session_state.pop(ACTOR_KEY, None)
    st.session_state.pop(_TOKEN_AT_KEY, None)
    st.session_state[_LOGGED_OUT_KEY] = True
    st.session_state[_COOKIE_KEY] = ""
    if notice:
        st.session_state[NOTICE_KEY] = notice


def log_out() -> None:
    """Log the user out: end their login tokens everywhere (audited) and forget them here."""
    actor = current_actor()
    if actor is not None:
        with db_session() as session:
            trust.log_out(session, actor=actor)
    _end_login(None)
    if sso_configured() and st.user.is_logged_in:
        st.logout()


def _restore_login() -> Actor | None:
    """The actor of a valid login cookie, else of a single sign-on identity, else None."""
    token = st.context.cookies.get(COOKIE_NAME)
    if token:
        with db_session() as session:
            actor = trust.actor_from_token(session, token)
        if actor is not None:
            return actor
    if st.session_state.get(_SSO_REFUSED_KEY) or not sso_configured():
        return None
    if not st.user.is_logged_in:
        return None
    email, verified = st.user.get("email"), st.user.get("email_verified")
    try:
        with db_session() as session:
            return trust.actor_for_sso(
                session,
                email=email if isinstance(email, str) else None,
                email_verified=verified if isinstance(verified, bool) else None,
            )
    except AuthenticationError as exc:
        st.session_state[_SSO_REFUSED_KEY] = True
        st.session_state[NOTICE_KEY] = str(exc)
        return None


def _keep_cookie(actor: Actor, now: float) -> None:
    issued = st.session_state.get(_TOKEN_AT_KEY)
    if isinstance(issued, float) and now - issued < _TOKEN_REFRESH_SECONDS:
        return
    with db_session() as session:
        st.session_state[_COOKIE_KEY] = trust.issue_token(session, actor)
    st.session_state[_TOKEN_AT_KEY] = now


def _write_cookie() -> None:
    value = st.session_state.pop(_COOKIE_KEY, None)
    if value is None:
        return
    max_age = int(settings().idle_timeout_minutes) * 60 if value else 0
    # The token is digits, dots and URL-safe base64: nothing to escape.
    script = (
        f"<script>document.cookie = '{COOKIE_NAME}={value}; path=/; max-age={max_age}; "
        "SameSite=Strict' + (location.protocol === 'https:' ? '; Secure' : '');</script>"
    )
    with st.sidebar:
        st.html(script, unsafe_allow_javascript=True)


def begin_run() -> Actor | None:
    """Check the login at the start of every run and return the acting user, if any.

    Logs out after ``idle_timeout_minutes`` without activity, re-reads the account (a
    deactivated user is logged out at once, a role change applies at once; nothing is
    written), restores a login from the signed cookie after a page reload or from
    single sign-on, and keeps the cookie fresh.
    """
    now = time.time()
    actor = current_actor()
    if actor is not None:
        idle = int(settings().idle_timeout_minutes)
        last = st.session_state.get(LAST_SEEN_KEY, now)
        if now - float(last) > idle * 60:
            _end_login(
                ngettext(
                    "You were logged out after {n} minute without activity. Please log in again.",
                    "You were logged out after {n} minutes without activity. Please log in again.",
                    idle,
                ).format(n=idle)
            )
            actor = None
        else:
            with db_session() as session:
                fresh = trust.reload_actor(session, actor)
            if fresh is None:
                _end_login(
                    _(
                        "Your account is no longer active. Please log in again, or ask an "
                        "administrator."
                    )
                )
            elif fresh != actor:
                st.session_state[ACTOR_KEY] = fresh
            actor = fresh
    elif not st.session_state.get(_LOGGED_OUT_KEY):
        actor = _restore_login()
        if actor is not None:
            start_login(actor)
    if actor is not None:
        st.session_state[LAST_SEEN_KEY] = now
        _keep_cookie(actor, now)
    _write_cookie()
    return actor


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


def upload_help() -> str:
    """The uploaders' help text, translated: the size limit (Streamlit's own refusal of a
    larger file, in the browser, is in English)."""
    return plain(_("Files up to {limit} MB.").format(limit=upload_limit_mb()))


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
    """Draw ``frame`` full width, with its columns renamed to the translated ``labels``.

    Missing values in text columns are drawn empty, not as Streamlit's English "None".
    """
    text = [c for c in frame.columns if frame[c].dtype == object]
    if text:
        frame = frame.copy()
        for column in text:
            frame[column] = frame[column].where(frame[column].notna(), "")
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
        plain(label),
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

    st.download_button(plain(label), make, file_name, mime, key=key)
