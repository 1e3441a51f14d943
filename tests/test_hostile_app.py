"""The app and the command line with hostile data in the database and oversized uploads.

An asset whose name holds a vertical tab (stored before the input policy, or by any other
path) used to break the Map page for every role and ``export assets o.xlsx``
(openpyxl's IllegalCharacterError while building the Excel download).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import update
from streamlit.testing.v1 import AppTest

from community_map import storage
from community_map.cli import main
from community_map.models import Asset, Role
from tests.demo_actors import demo_actor

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "community_map" / "ui" / "streamlit_app.py")
HOSTILE = "Casal\x0bNou =1+2 [link](http://evil.example)"


@pytest.fixture
def hostile_db(demo_db: str, tmp_path: Path) -> str:
    """A copy of the demo database whose first asset has a hostile name."""
    copy = tmp_path / "hostile.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), copy)
    url = f"sqlite:///{copy}"
    engine = storage.create_db_engine(url)
    with engine.begin() as conn:  # written behind the input policy's back, as old data
        first = conn.execute(Asset.__table__.select().order_by(Asset.id).limit(1)).first()
        assert first is not None
        conn.execute(update(Asset).where(Asset.id == first.id).values(name=HOSTILE))
    engine.dispose()
    return url


@pytest.mark.parametrize("role", list(Role))
def test_map_page_renders_for_every_role_with_a_vertical_tab_in_a_name(
    hostile_db: str, monkeypatch: pytest.MonkeyPatch, role: Role
) -> None:
    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", hostile_db)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["language"] = "en"
    at.session_state["actor"] = demo_actor(role)  # a real account: re-read on every run
    at.run()
    at.switch_page("pages/map.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Territory map"
    at.text_input(key="map_search").input("Casal").run()
    assert not at.exception, at.exception
    assert HOSTILE in at.dataframe[0].value["Name"].tolist()


def test_export_assets_to_excel_and_csv_with_a_vertical_tab_in_a_name(
    hostile_db: str, tmp_path: Path
) -> None:
    out = io.StringIO()
    for name in ("o.xlsx", "o.csv"):
        assert (
            main(["--database-url", hostile_db, "export", "assets", str(tmp_path / name)], out=out)
            == 0
        )
    sheet = load_workbook(tmp_path / "o.xlsx").active
    assert sheet is not None
    names = [c.value for c in sheet["B"]]
    assert "Casal Nou =1+2 [link](http://evil.example)" in names
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert "Casal Nou =1+2" in (tmp_path / "o.csv").read_text(encoding="utf-8-sig")


class _Upload:
    name = "big.csv"
    size = 3 * 2**20


def test_uploads_over_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from community_map import settings
    from community_map.ui import shell

    monkeypatch.setenv("COMMUNITY_MAP_MAX_UPLOAD_MB", "2")
    settings.get_settings.cache_clear()
    assert shell.upload_limit_mb() == 2
    assert shell.upload_too_large(_Upload())
    monkeypatch.setenv("COMMUNITY_MAP_MAX_UPLOAD_MB", "5000")
    settings.get_settings.cache_clear()
    assert shell.upload_limit_mb() == 200  # Streamlit's server.maxUploadSize
    assert not shell.upload_too_large(_Upload())
