from __future__ import annotations

import datetime as dt

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from sqlalchemy import Engine, func, select

from community_map import territory as ts
from community_map.errors import PermissionDeniedError, ValidationError
from community_map.models import Asset, AuditLog, Role, TerritoryUnit
from community_map.storage import session_scope
from community_map.territory.asset_reads import assets_geoframe, map_layers
from community_map.trust.permissions import Actor

X0, Y0 = 430_000.0, 4_581_000.0
DAY = dt.date(2026, 11, 23)


def _square(x: float, y: float, size: float = 1000) -> shapely.Polygon:
    return shapely.box(x, y, x + size, y + size)


@pytest.fixture
def territory(engine: Engine, admin: Actor) -> Engine:
    """One district split into two neighbourhood squares, and the taxonomy."""
    with session_scope(engine) as session:
        districts = gpd.GeoDataFrame(
            {"code": ["01"], "name": ["Districte"]},
            geometry=[shapely.box(X0, Y0, X0 + 2000, Y0 + 1000)],
            crs=25831,
        )
        ts.save_boundaries(session, actor=admin, frame=districts, kind="district", source="t")
        hoods = gpd.GeoDataFrame(
            {"code": ["01", "02"], "name": ["Oest", "Est"]},
            # slightly overlapping the district's edge: nested by representative point
            geometry=[_square(X0 - 5, Y0), _square(X0 + 1000, Y0 + 3)],
            crs=25831,
        )
        ts.save_boundaries(session, actor=admin, frame=hoods, kind="neighbourhood", source="t")
    return engine


def _asset_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Asset)) or 0)


def test_neighbourhoods_nest_in_their_district(territory: Engine) -> None:
    with session_scope(territory) as session:
        district = session.scalar(select(TerritoryUnit).where(TerritoryUnit.kind == "district"))
        hoods = session.scalars(
            select(TerritoryUnit).where(TerritoryUnit.kind == "neighbourhood")
        ).all()
        assert district is not None
        assert {h.parent_id for h in hoods} == {district.id}


def test_create_asset_is_placed_and_audited(territory: Engine, admin: Actor) -> None:
    with session_scope(territory) as session:
        asset = ts.create_asset(
            session,
            actor=admin,
            name="Casal <b>",
            category_code="civic_centre",
            x=X0 + 1500,
            y=Y0 + 500,
            today=DAY,
            tags=["wifi", "wifi", " "],
        )
        asset_id = asset.id
    with session_scope(territory) as session:
        frame = assets_geoframe(session, today=DAY)
        entry = session.scalars(select(AuditLog).where(AuditLog.entity == "assets")).one()
    row = frame.loc[asset_id]
    assert (row["neighbourhood_code"], row["district_code"]) == ("02", "01")
    assert row["tags"] == ["wifi"] and not row["stale"]
    assert entry.action == "create" and entry.after["name"] == "Casal <b>"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"name": " ", "category_code": "library", "x": X0 + 10, "y": Y0 + 10}, "needs a name"),
        ({"name": "B", "category_code": "zoo", "x": X0 + 10, "y": Y0 + 10}, "Unknown category"),
        ({"name": "B", "category_code": "library", "x": 0, "y": 0}, "outside the territory"),
        (
            {"name": "B", "category_code": "library", "x": X0 + 5000, "y": Y0},
            "not inside any neighbourhood",
        ),
        (
            {
                "name": "B",
                "category_code": "library",
                "x": X0 + 10,
                "y": Y0 + 10,
                "accessibility": "maybe",
            },
            "accessibility",
        ),
    ],
)
def test_bad_assets_are_refused(
    territory: Engine, admin: Actor, kwargs: dict, fragment: str
) -> None:
    with pytest.raises(ValidationError, match=fragment), session_scope(territory) as session:
        ts.create_asset(session, actor=admin, **kwargs)
    assert _asset_count(territory) == 0


def test_second_save_from_an_old_version_is_refused(territory: Engine, admin: Actor) -> None:
    with session_scope(territory) as session:
        asset = ts.create_asset(
            session,
            actor=admin,
            name="Biblioteca",
            category_code="library",
            x=X0 + 100,
            y=Y0 + 100,
            today=DAY,
        )
        asset_id, version = asset.id, asset.version
    with session_scope(territory) as session:  # first editor
        ts.update_asset(
            session,
            actor=admin,
            asset_id=asset_id,
            version=version,
            name="Biblioteca Nova",
            today=DAY,
        )
    with (
        pytest.raises(ValidationError, match="Someone else changed"),
        session_scope(territory) as session,  # second editor, same starting version
    ):
        ts.update_asset(
            session,
            actor=admin,
            asset_id=asset_id,
            version=version,
            name="Biblioteca Vella",
            today=DAY,
        )
    with session_scope(territory) as session:
        assert session.get(Asset, asset_id).name == "Biblioteca Nova"  # type: ignore[union-attr]
        update = session.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
        assert update.before == {"name": "Biblioteca"}
        assert update.after == {"name": "Biblioteca Nova"}


def test_move_and_deactivate(territory: Engine, admin: Actor) -> None:
    with session_scope(territory) as session:
        asset = ts.create_asset(
            session,
            actor=admin,
            name="Mercat",
            category_code="market",
            x=X0 + 100,
            y=Y0 + 100,
            today=DAY,
        )
        asset = ts.update_asset(
            session,
            actor=admin,
            asset_id=asset.id,
            version=asset.version,
            x=X0 + 1900,
            y=Y0 + 900,
            today=DAY,
        )
        asset = ts.set_asset_active(
            session, actor=admin, asset_id=asset.id, version=asset.version, active=False
        )
    with session_scope(territory) as session:
        assert assets_geoframe(session, today=DAY).empty
        hidden = assets_geoframe(session, today=DAY, active_only=False)
        assert hidden["neighbourhood_code"].tolist() == ["02"]


def test_district_viewer_cannot_edit(territory: Engine) -> None:
    viewer = Actor(username="d", role=Role.DISTRICT_VIEWER)
    with pytest.raises(PermissionDeniedError), session_scope(territory) as session:
        ts.create_asset(
            session, actor=viewer, name="X", category_code="library", x=X0 + 10, y=Y0 + 10
        )


def _import_frame(**overrides: object) -> pd.DataFrame:
    row = {
        "source": "opendatabcn",
        "source_id": "R1",
        "name": "Biblioteca Sant Antoni",
        "category": "library",
        "source_category": "Biblioteques",
        "x": X0 + 200,
        "y": Y0 + 200,
        "address": "Carrer del Comte Borrell, 44",
        "phone": "",
        "email": "",
        "website": "",
        "accessibility": "accessible",
        "opening_hours": "",
        "tags": ["wifi"],
        "description": "",
        "row": 2,
    }
    second = dict(
        row, source_id="R2", name="Mercat de Sant Antoni", category="market", x=X0 + 1200, row=3
    )
    frame = pd.DataFrame([row, second])
    for key, value in overrides.items():
        frame.loc[0, key] = value
    return frame


def test_reimport_updates_and_never_duplicates(territory: Engine, admin: Actor) -> None:
    with session_scope(territory) as session:
        first = ts.import_assets(
            session, actor=admin, frame=_import_frame(), today=dt.date(2025, 1, 1)
        )
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    with session_scope(territory) as session:
        again = ts.import_assets(
            session,
            actor=admin,
            frame=_import_frame(name="Biblioteca Sant Antoni - Joan Oliva"),
            today=DAY,
        )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert _asset_count(territory) == 2
    with session_scope(territory) as session:
        frame = assets_geoframe(session, today=DAY).sort_values("source_id")
    assert frame["name"].tolist()[0] == "Biblioteca Sant Antoni - Joan Oliva"
    assert frame["neighbourhood_code"].tolist() == ["01", "02"]
    assert set(frame["last_verified"]) == {DAY}  # re-import verifies every asset


def _audit(engine: Engine, entity: str, action: str) -> list[AuditLog]:
    with session_scope(engine) as session:
        rows = list(
            session.scalars(
                select(AuditLog)
                .where(AuditLog.entity == entity, AuditLog.action == action)
                .order_by(AuditLog.id)
            )
        )
        session.expunge_all()
    return rows


def test_reimport_logs_before_and_after_of_each_changed_asset(
    territory: Engine, admin: Actor
) -> None:
    with session_scope(territory) as session:
        ts.import_assets(session, actor=admin, frame=_import_frame(), today=DAY)
        ids = dict(session.execute(select(Asset.source_id, Asset.id)).all())
    created = {e.entity_id: e.after for e in _audit(territory, "assets", "create")}
    assert set(created) == {str(ids["R1"]), str(ids["R2"])}
    assert created[str(ids["R1"])]["name"] == "Biblioteca Sant Antoni"  # type: ignore[index]
    assert created[str(ids["R1"])]["phone"] == ""  # type: ignore[index]
    with session_scope(territory) as session:
        ts.import_assets(
            session,
            actor=admin,
            frame=_import_frame(phone="934 000 000", address="Comte Borrell, 44"),
            today=DAY,
        )
    [entry] = _audit(territory, "assets", "update")  # the unchanged asset has no entry
    assert entry.entity_id == str(ids["R1"])
    assert entry.before == {"address": "Carrer del Comte Borrell, 44", "phone": ""}
    assert entry.after == {"address": "Comte Borrell, 44", "phone": "934 000 000"}


def test_import_without_category_writes_nothing(territory: Engine, admin: Actor) -> None:
    with pytest.raises(ValidationError, match="row 2"), session_scope(territory) as session:
        ts.import_assets(session, actor=admin, frame=_import_frame(category=None), today=DAY)
    assert _asset_count(territory) == 0


def test_reimporting_neighbourhoods_replaces_assets(territory: Engine, admin: Actor) -> None:
    with session_scope(territory) as session:
        ts.create_asset(
            session,
            actor=admin,
            name="Casal",
            category_code="civic_centre",
            x=X0 + 1500,
            y=Y0 + 500,
            today=DAY,
        )
        moved = gpd.GeoDataFrame(
            {"code": ["01", "02"], "name": ["Oest", "Est"]},
            geometry=[_square(X0, Y0, 1600), _square(X0 + 1600, Y0, 400)],
            crs=25831,
        )
        result = ts.save_boundaries(
            session, actor=admin, frame=moved, kind="neighbourhood", source="t2"
        )
    assert (result.created, result.updated) == (0, 2)
    with session_scope(territory) as session:
        assert assets_geoframe(session, today=DAY)["neighbourhood_code"].tolist() == ["01"]
        hoods = dict(
            session.execute(
                select(TerritoryUnit.code, TerritoryUnit.id).where(
                    TerritoryUnit.kind == "neighbourhood"
                )
            ).all()
        )
    units = {e.entity_id: e for e in _audit(territory, "territory_units", "update")}
    assert set(units) == {str(hoods["01"]), str(hoods["02"])}
    east = units[str(hoods["02"])]
    assert east.before["source"] == "t" and east.after["source"] == "t2"  # type: ignore[index]
    assert east.before["geometry"]["area_m2"] == 1_000_000  # type: ignore[index]
    assert east.after["geometry"]["area_m2"] == 160_000  # type: ignore[index]
    [placed] = _audit(territory, "assets", "update")  # the Casal moved from 02 to 01
    assert placed.before == {"neighbourhood_id": hoods["02"]}
    assert placed.after == {"neighbourhood_id": hoods["01"]}


def test_stale_flag(territory: Engine, admin: Actor) -> None:
    with session_scope(territory) as session:
        ts.create_asset(
            session,
            actor=admin,
            name="Vell",
            category_code="park",
            x=X0 + 10,
            y=Y0 + 10,
            today=dt.date(2024, 1, 1),
        )
        ts.create_asset(
            session,
            actor=admin,
            name="Nou",
            category_code="park",
            x=X0 + 20,
            y=Y0 + 10,
            today=dt.date(2026, 6, 1),
        )
    with session_scope(territory) as session:
        frame = assets_geoframe(session, today=DAY, stale_after_days=365)
    assert dict(zip(frame["name"], frame["stale"], strict=True)) == {"Vell": True, "Nou": False}


def test_lonlat_conversion_matches_pyproj() -> None:
    from pyproj import Transformer

    expected = Transformer.from_crs(4326, 25831, always_xy=True).transform(2.17, 41.38)
    assert ts.lonlat_to_metric(2.17, 41.38) == pytest.approx(expected, abs=0.01)


def test_map_layers_reads_assets_categories_and_units(territory: Engine, admin: Actor) -> None:
    with session_scope(territory) as session:
        ts.create_asset(
            session,
            actor=admin,
            name="Casal",
            category_code="civic_centre",
            x=X0 + 1500,
            y=Y0 + 500,
            today=DAY,
        )
    with session_scope(territory) as session:
        layers = map_layers(session, stale_after_days=30)
    assert sorted(layers) == ["assets", "catchments", "categories", "districts", "neighbourhoods"]
    assert layers["assets"]["name"].tolist() == ["Casal"]
    assert layers["assets"]["neighbourhood_code"].tolist() == ["02"]
    assert "civic_centre" in layers["categories"].index
    assert layers["neighbourhoods"]["code"].tolist() == ["01", "02"]
    assert layers["neighbourhoods"]["parent_code"].tolist() == ["01", "01"]
    assert layers["districts"].geometry.iloc[0].equals(shapely.box(X0, Y0, X0 + 2000, Y0 + 1000))
    assert layers["catchments"].empty
