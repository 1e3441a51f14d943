"""Every page, rendered in Catalan and Spanish, finds each of its strings in the catalogue."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from community_map import i18n
from community_map.models import Role
from community_map.ui.page_table import PAGES
from tests.demo_actors import demo_actor

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "community_map" / "ui" / "streamlit_app.py")


@pytest.mark.parametrize("language", ["ca", "es"])
def test_every_page_renders_without_a_catalogue_miss(
    monkeypatch: pytest.MonkeyPatch, demo_db: str, language: str
) -> None:
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", demo_db)
    monkeypatch.setenv("COMMUNITY_MAP_DEMO", "true")
    rendered = []
    with i18n.recording_misses() as misses:
        login = AppTest.from_file(APP, default_timeout=60)
        login.session_state["language"] = language
        login.run()
        assert not login.exception
        for role in (Role.ADMIN, Role.DISTRICT_VIEWER):
            for page in PAGES:
                at = AppTest.from_file(APP, default_timeout=60)
                at.session_state["language"] = language
                at.session_state["actor"] = demo_actor(role)
                at.run()
                if page.permission is not None and not at.session_state["actor"].can(
                    page.permission
                ):
                    continue
                at.switch_page(f"pages/{page.script}").run()
                assert not at.exception, (page.script, [e.stack_trace for e in at.exception])
                rendered.append((role, page.script))
    assert len(rendered) == len(PAGES) + 4  # admin: every page; viewer: the four open ones
    assert sorted(misses) == [], "strings shown in English to a Catalan or Spanish user"
