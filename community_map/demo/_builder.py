"""The demo generator's builder: every table in memory with explicit ids, then bulk inserts.

Private to :mod:`community_map.demo`; see its docstring for what the demo holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from community_map.demo import _barcelona as bcn
from community_map.demo import _names
from community_map.evaluation import load_instrument
from community_map.i18n import gettext as _
from community_map.models import (
    Accessibility,
    ActionNeighbourhood,
    ActionPhase,
    Assessment,
    AssessmentScore,
    Asset,
    Attendance,
    AttendanceStatus,
    Base,
    Collaboration,
    CollaborationKind,
    CommunityAction,
    Intensity,
    Invitation,
    MotorGroupMember,
    Participant,
    Phase,
    Professional,
    ReportedTie,
    Sector,
    Service,
    SessionFacilitator,
    SessionPartner,
    SessionSeries,
    SessionStatus,
    SessionType,
    TerritoryUnit,
    UnitKind,
)
from community_map.models import Session as SessionRow

__all__ = [
    "CSS_TOTAL",
    "PERIOD_END",
    "PERIOD_START",
    "SCALES",
    "Builder",
    "DemoScale",
    "Progress",
    "bcn_catchments",
    "social_services_centres",
]

Progress = Callable[[float, str], None]

PERIOD_START = dt.date(2022, 9, 1)
PERIOD_END = dt.date(2023, 9, 30)


@dataclass(frozen=True)
class DemoScale:
    """Sizes of a demo database."""

    name: str
    participants: int
    assets: int
    actions: int
    sessions_per_action: tuple[int, int]
    cohort_size: tuple[int, int]
    community_share: float


SCALES: dict[str, DemoScale] = {
    # Amunt!: 283 of 829 people joined community actions; here about 2 in 3 of 300.
    "default": DemoScale("default", 300, 760, 22, (10, 18), (9, 16), 0.7),
    "city": DemoScale("city", 20_000, 10_000, 300, (13, 17), (18, 24), 0.45),
}


CSS_TOTAL = 40


def social_services_centres(total: int = CSS_TOTAL) -> list[tuple[str, str, float, float]]:
    """Return the real centres of the reference table, completed to ``total`` with invented ones.

    Barcelona has about 40 social services centres; the public list behind the reference
    table has fewer. The missing ones are placed, one at a time, at the centre of the
    neighbourhood farthest from every centre placed so far, and named after it.
    """
    centres = list(bcn.SOCIAL_SERVICES_CENTRES)
    hoods = [(code, name, x, y) for code, name, _d, x, y, _p in bcn.NEIGHBOURHOODS]
    taken = {c[1] for c in centres}
    while len(centres) < total:
        points = np.array([(c[2], c[3]) for c in centres])
        best = max(
            (h for h in hoods if h[0] not in taken),
            key=lambda h: float(np.min(np.hypot(points[:, 0] - h[2], points[:, 1] - h[3]))),
        )
        centres.append((f"Centre de Serveis Socials {best[1]}", best[0], best[2], best[3]))
        taken.add(best[0])
    return centres


def bcn_catchments(points: np.ndarray) -> list[shapely.Geometry]:
    """Approximate catchment areas: Voronoi cells of the centres clipped to the city."""
    outline = bcn.city_outline()
    cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline)
    by_point = []
    polys = list(shapely.get_parts(cells))
    for x, y in points:
        p = shapely.Point(x, y)
        cell = next(c for c in polys if c.covers(p))
        by_point.append(shapely.make_valid(cell.intersection(outline)))
    return by_point


class Builder:
    """Builds every table in memory with explicit ids, then inserts them in bulk."""

    def __init__(self, scale: DemoScale, seed: int, today: dt.date) -> None:
        self.scale = scale
        self.today = today
        self.rng = np.random.default_rng(seed)
        self.rows: dict[type[Base], list[dict[str, Any]]] = {}
        self.cells = bcn.neighbourhood_cells().set_index("code")
        self.district_shapes = bcn.district_shapes().set_index("code")
        self.css = social_services_centres()
        self.css_points = np.array([(x, y) for _n, _c, x, y in self.css])

    def add(self, model: type[Base], row: dict[str, Any]) -> int:
        rows = self.rows.setdefault(model, [])
        if "id" in model.__table__.c and "id" not in row:
            row["id"] = len(rows) + 1
        rows.append(row)
        return int(row.get("id", len(rows)))

    def choice(self, seq: Any, p: Any = None) -> Any:
        return seq[int(self.rng.choice(len(seq), p=p))]

    # territory -----------------------------------------------------------------------

    def territory(self) -> None:
        self.district_ids: dict[str, int] = {}
        for code, name in bcn.DISTRICTS:
            geom = self.district_shapes.loc[code, "geometry"]
            self.district_ids[code] = self.add(
                TerritoryUnit,
                dict(
                    kind=UnitKind.DISTRICT.value,
                    code=code,
                    name=name,
                    parent_id=None,
                    population=int(
                        self.cells.loc[self.cells.district_code == code, "population"].sum()
                    ),
                    geometry_wkt=shapely.to_wkt(geom, rounding_precision=1),
                    srid=25831,
                    source="demo",
                    is_approximate=True,
                ),
            )
        self.nb_ids: dict[str, int] = {}
        for code, row in self.cells.iterrows():
            self.nb_ids[str(code)] = self.add(
                TerritoryUnit,
                dict(
                    kind=UnitKind.NEIGHBOURHOOD.value,
                    code=str(code),
                    name=row["name"],
                    parent_id=self.district_ids[row["district_code"]],
                    population=int(row["population"]),
                    geometry_wkt=shapely.to_wkt(row["geometry"], rounding_precision=1),
                    srid=25831,
                    source="demo",
                    is_approximate=True,
                ),
            )

    def _points_in(self, geom: shapely.Geometry, n: int) -> np.ndarray:
        minx, miny, maxx, maxy = geom.bounds
        out: list[np.ndarray] = []
        found = 0
        while found < n:
            cand = self.rng.uniform((minx, miny), (maxx, maxy), size=(max(8, 2 * (n - found)), 2))
            inside = cand[shapely.contains_xy(geom, cand[:, 0], cand[:, 1])]
            out.append(inside)
            found += len(inside)
        return np.vstack(out)[:n]

    # assets and services -------------------------------------------------------------

    def assets(self) -> None:
        self.venues: list[int] = []
        self.venue_capacity: dict[int, int] = {}
        self.css_asset_ids: list[int] = []
        for i, (name, nb_code, x, y) in enumerate(self.css):
            asset_id = self.add(
                Asset,
                self._asset_row(
                    name, "social_services_centre", x, y, nb_code, f"CSS-{i + 1:02d}", capacity=30
                ),
            )
            self.css_asset_ids.append(asset_id)
            self.venues.append(asset_id)
            self.venue_capacity[asset_id] = 30
        share = _names.CATEGORY_SHARE
        generic = self.scale.assets - len(self.css_asset_ids)
        weights = self.cells["population"].to_numpy(dtype=float)
        weights /= weights.sum()
        codes = self.cells.index.to_list()
        counter = 0
        for cat, frac in share.items():
            n = max(1, round(generic * frac))
            nb_pick = self.rng.choice(len(codes), size=n, p=weights)
            for nb_index in np.unique(nb_pick):
                k = int((nb_pick == nb_index).sum())
                code = codes[int(nb_index)]
                pts = self._points_in(self.cells.loc[code, "geometry"], k)
                for j in range(k):
                    counter += 1
                    name = _names.asset_name(cat, self.cells.loc[code, "name"], j, self.rng)
                    cap = _names.CAPACITY.get(cat)
                    capacity = int(self.rng.integers(cap[0], cap[1])) if cap else None
                    asset_id = self.add(
                        Asset,
                        self._asset_row(
                            name,
                            cat,
                            float(pts[j, 0]),
                            float(pts[j, 1]),
                            code,
                            f"A-{counter:05d}",
                            capacity=capacity,
                        ),
                    )
                    if capacity is not None:
                        self.venues.append(asset_id)
                        self.venue_capacity[asset_id] = capacity
        self.venue_nb = {a["id"]: a["neighbourhood_id"] for a in self.rows[Asset]}

    def _asset_row(
        self,
        name: str,
        cat: str,
        x: float,
        y: float,
        nb_code: str,
        source_id: str,
        *,
        capacity: int | None,
    ) -> dict[str, Any]:
        acc = self.choice(
            [
                Accessibility.ACCESSIBLE,
                Accessibility.PARTIAL,
                Accessibility.NOT_ACCESSIBLE,
                Accessibility.UNKNOWN,
            ],
            p=[0.55, 0.2, 0.1, 0.15],
        )
        street = self.choice(_names.STREETS)
        tags = list(_names.TAGS.get(cat, ()))
        if tags:
            tags = sorted(self.rng.choice(tags, size=min(len(tags), 2), replace=False).tolist())
        # about one asset in three was last verified more than a year ago (stale)
        verified = self.today - dt.timedelta(days=int(self.rng.integers(0, 540)))
        return dict(
            name=name,
            category_code=cat,
            tags=tags,
            description="",
            x=round(x, 1),
            y=round(y, 1),
            srid=25831,
            address=f"{street}, {int(self.rng.integers(1, 240))}, Barcelona",
            phone="",
            email="",
            website="",
            accessibility=acc.value,
            opening_hours=_names.HOURS.get(cat, ""),
            capacity=capacity,
            neighbourhood_id=self.nb_ids[nb_code],
            source="demo",
            source_id=source_id,
            last_verified=verified,
            is_active=True,
            version=1,
        )

    def organisations(self) -> None:
        self.service_ids: dict[str, int] = {}
        self.css_service_ids: list[int] = []
        catch = bcn_catchments(self.css_points)
        for i, (name, _nb, _x, _y) in enumerate(self.css):
            unit_id = self.add(
                TerritoryUnit,
                dict(
                    kind=UnitKind.CATCHMENT.value,
                    code=f"CSS-{i + 1:02d}",
                    name=name,
                    parent_id=None,
                    population=None,
                    geometry_wkt=shapely.to_wkt(catch[i], rounding_precision=1),
                    srid=25831,
                    source="demo",
                    is_approximate=True,
                ),
            )
            sid = self.add(
                Service,
                dict(
                    code=f"CSS-{i + 1:02d}",
                    name=name,
                    sector=Sector.SOCIAL_CARE.value,
                    organisation="IMSS",
                    asset_id=self.css_asset_ids[i],
                    catchment_id=unit_id,
                    is_active=True,
                ),
            )
            self.css_service_ids.append(sid)
        for code, name, sector, org in _names.AMUNT_SERVICES:
            self.service_ids[code] = self.add(
                Service,
                dict(
                    code=code,
                    name=name,
                    sector=sector,
                    organisation=org,
                    asset_id=None,
                    catchment_id=None,
                    is_active=True,
                ),
            )
        self.staff: dict[str, list[int]] = {}
        counter = 0
        for code, role, n in _names.AMUNT_STAFF:
            for _k in range(n):
                counter += 1
                pid = self.add(
                    Professional,
                    dict(
                        code=f"PRO-{counter:04d}",
                        display_name=_names.staff_name(self.rng),
                        role=role,
                        service_id=self.service_ids[code],
                        is_active=True,
                    ),
                )
                self.staff.setdefault(code, []).append(pid)
        for sid in self.css_service_ids:
            for role in ("director", "social worker", "social worker", "social educator"):
                counter += 1
                pid = self.add(
                    Professional,
                    dict(
                        code=f"PRO-{counter:04d}",
                        display_name=_names.staff_name(self.rng),
                        role=role,
                        service_id=sid,
                        is_active=True,
                    ),
                )
                self.staff.setdefault(f"css:{sid}", []).append(pid)

    # people ---------------------------------------------------------------------------

    def participants(self) -> None:
        n = self.scale.participants
        codes = _names.pseudonymous_codes(n, self.rng)
        weights = self.cells["population"].to_numpy(dtype=float)
        weights /= weights.sum()
        nbs = self.rng.choice(len(self.cells), size=n, p=weights)
        # Amunt!: 63.9% women; 73.3% aged 25-55, 24.3% over 55.
        genders = self.rng.choice(["woman", "man", "non_binary"], size=n, p=[0.635, 0.36, 0.005])
        ages = self.rng.choice(
            ["18-24", "25-34", "35-44", "45-54", "55-65"],
            size=n,
            p=[0.024, 0.2, 0.28, 0.253, 0.243],
        )
        social = self.staff["IMSS-AMUNT"]
        nb_codes = self.cells.index.to_list()
        self.participant_ids: list[int] = []
        self.participant_nb: dict[int, str] = {}
        for i in range(n):
            enrolled = PERIOD_START + dt.timedelta(days=int(self.rng.integers(0, 150)))
            exited = (
                PERIOD_END - dt.timedelta(days=int(self.rng.integers(0, 75)))
                if self.rng.random() < 0.85
                else None
            )
            pid = self.add(
                Participant,
                dict(
                    code=codes[i],
                    alias=None,
                    age_band=str(ages[i]),
                    gender=str(genders[i]),
                    neighbourhood_id=self.nb_ids[nb_codes[int(nbs[i])]],
                    reference_professional_id=int(self.rng.choice(social)),
                    programme="Amunt!",
                    enrolled_on=enrolled,
                    exited_on=exited,
                    consent=True,
                    consent_on=enrolled,
                ),
            )
            self.participant_ids.append(pid)
            self.participant_nb[pid] = nb_codes[int(nbs[i])]

    # actions, sessions, attendance ---------------------------------------------------

    def actions(self, progress: Progress) -> None:
        scale = self.scale
        pool = np.array(self.participant_ids)
        in_community = self.rng.choice(
            pool, size=round(len(pool) * scale.community_share), replace=False
        )
        educators = self.staff["SAC"]
        social = self.staff["IMSS-AMUNT"]
        self.attendance_by_session: dict[int, list[int]] = {}
        self.cohorts: list[tuple[np.ndarray, np.ndarray]] = []
        plans = _names.ACTION_PLANS
        for a in range(scale.actions):
            if a % 10 == 0:
                progress(0.35 + 0.4 * a / scale.actions, _("Community actions and sessions"))
            plan = plans[a % len(plans)]
            nb_code = self.cells.index[int(self.rng.integers(len(self.cells)))]
            nb_name = self.cells.loc[nb_code, "name"]
            start = PERIOD_START + dt.timedelta(days=int(self.rng.integers(14, 120)))
            lead = (
                self.service_ids["SAC"]
                if plan.typology.startswith("amunt")
                else int(self.rng.choice(self.css_service_ids))
            )
            action_id = self.add(
                CommunityAction,
                dict(
                    code=f"AC-{a + 1:04d}",
                    title=f"{plan.title} · {nb_name}",
                    typology=plan.typology,
                    objectives=plan.objectives,
                    lead_service_id=lead,
                    phase=Phase.CLOSED.value,
                    version=1,
                ),
            )
            history = [
                (Phase.FIRST_CONTACT, start - dt.timedelta(days=60)),
                (Phase.DESIGN, start - dt.timedelta(days=30)),
                (Phase.EXECUTION, start),
            ]
            n_sessions = int(self.rng.integers(*scale.sessions_per_action, endpoint=True))
            interval = 1 if self.rng.random() < 0.7 else 2
            last = start + dt.timedelta(weeks=interval * (n_sessions - 1))
            if last > PERIOD_END - dt.timedelta(days=10):
                interval = 1
                last = start + dt.timedelta(weeks=n_sessions - 1)
            history += [
                (Phase.EVALUATION, last + dt.timedelta(days=7)),
                (Phase.CLOSED, last + dt.timedelta(days=35)),
            ]
            for phase, day in history:
                self.add(
                    ActionPhase,
                    dict(action_id=action_id, phase=phase.value, started_on=day, note=""),
                )
            self.add(
                ActionNeighbourhood,
                dict(action_id=action_id, territory_unit_id=self.nb_ids[str(nb_code)]),
            )
            educator = int(self.rng.choice(educators))
            partner_social = int(self.rng.choice(social))
            for kind, ref in (("professional", educator), ("professional", partner_social)):
                self.add(
                    MotorGroupMember,
                    dict(
                        action_id=action_id,
                        member_kind=kind,
                        professional_id=ref,
                        service_id=None,
                        participant_id=None,
                        name="",
                    ),
                )
            self.add(
                MotorGroupMember,
                dict(
                    action_id=action_id,
                    member_kind="entity",
                    professional_id=None,
                    service_id=None,
                    participant_id=None,
                    name=self.choice(_names.ENTITIES),
                ),
            )
            size = int(self.rng.integers(*scale.cohort_size, endpoint=True))
            cohort = self.rng.choice(in_community, size=size, replace=False)
            # engagement: core members come nearly always, others less, some drop out
            engagement = self.rng.choice(3, size=size, p=[0.45, 0.35, 0.2])
            p_attend = np.array([0.88, 0.6, 0.3])[engagement]
            dropout_at = np.where(
                self.rng.random(size) < 0.2,
                self.rng.integers(2, n_sessions + 1, size=size),
                n_sessions + 1,
            )
            self.cohorts.append((cohort, engagement))
            for pid in self.rng.choice(cohort, size=min(2, size), replace=False):
                self.add(
                    MotorGroupMember,
                    dict(
                        action_id=action_id,
                        member_kind="resident",
                        professional_id=None,
                        service_id=None,
                        participant_id=int(pid),
                        name="",
                    ),
                )
            venue = self._venue_near(str(nb_code))
            series_id = self.add(
                SessionSeries, dict(action_id=action_id, interval_weeks=interval, until=last)
            )
            hour = int(self.choice([10, 11, 16, 17]))
            for s in range(n_sessions):
                day = start + dt.timedelta(weeks=interval * s)
                stype = plan.session_types[s % len(plan.session_types)]
                outing = stype == SessionType.CULTURAL_OUTING
                venue_id = int(self.rng.choice(self.venues)) if outing else venue
                starts = dt.datetime.combine(day, dt.time(hour, 0))
                cancelled = self.rng.random() < 0.04
                session_id = self.add(
                    SessionRow,
                    dict(
                        action_id=action_id,
                        series_id=None if outing else series_id,
                        type=stype.value,
                        title=plan.title,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=3 if outing else 2),
                        venue_asset_id=venue_id,
                        capacity=self.venue_capacity.get(venue_id),
                        status=(SessionStatus.CANCELLED if cancelled else SessionStatus.HELD).value,
                        cancel_reason=self.choice(_names.CANCEL_REASONS) if cancelled else "",
                        notes="",
                        finalised=not cancelled,
                        version=1,
                    ),
                )
                self.add(SessionFacilitator, dict(session_id=session_id, professional_id=educator))
                if self.rng.random() < 0.12:
                    self.add(
                        SessionFacilitator,
                        dict(session_id=session_id, professional_id=partner_social),
                    )
                if self.rng.random() < 0.15:
                    partner = self.choice(["ECAS", "FEICAT", "CREU-ROJA", "BA"])
                    self.add(
                        SessionPartner,
                        dict(session_id=session_id, service_id=self.service_ids[partner]),
                    )
                for pid in cohort:
                    self.add(Invitation, dict(session_id=session_id, participant_id=int(pid)))
                if cancelled:
                    continue
                draws = self.rng.random(size)
                attended: list[int] = []
                for j, pid in enumerate(cohort):
                    if s + 1 >= dropout_at[j]:
                        status = AttendanceStatus.ABSENT
                    elif draws[j] < p_attend[j]:
                        status = AttendanceStatus.ATTENDED
                        attended.append(int(pid))
                    else:
                        status = (
                            AttendanceStatus.EXCUSED
                            if self.rng.random() < 0.35
                            else AttendanceStatus.ABSENT
                        )
                    self.add(
                        Attendance,
                        dict(
                            session_id=session_id,
                            participant_id=int(pid),
                            status=status.value,
                            walk_in=False,
                        ),
                    )
                if outing:
                    # cultural outings mix groups: a few walk-ins from other actions
                    others = self.rng.choice(
                        in_community, size=int(self.rng.integers(2, 8)), replace=False
                    )
                    for pid in set(int(p) for p in others) - set(int(p) for p in cohort):
                        self.add(
                            Attendance,
                            dict(
                                session_id=session_id,
                                participant_id=pid,
                                status=AttendanceStatus.ATTENDED.value,
                                walk_in=True,
                            ),
                        )
                        attended.append(pid)
                self.attendance_by_session[session_id] = attended
        self._service_sessions()

    def _venue_near(self, nb_code: str) -> int:
        local = [a for a in self.venues if self.venue_nb[a] == self.nb_ids[nb_code]]
        return int(self.rng.choice(local)) if local else int(self.rng.choice(self.venues))

    def _service_sessions(self) -> None:
        """Coordination meetings between services and Amunt! informative groups."""
        # the tandem's permanent follow-up space met about weekly
        meetings = int(48 * max(1.0, self.scale.actions / 22))
        for m in range(meetings):
            day = PERIOD_START + dt.timedelta(days=int(self.rng.integers(0, 390)))
            starts = dt.datetime.combine(day, dt.time(9, 30))
            venue = int(self.rng.choice(self.css_asset_ids))
            sid = self.add(
                SessionRow,
                dict(
                    action_id=None,
                    series_id=None,
                    type=SessionType.COORDINATION_MEETING.value,
                    title=_names.COORDINATION_TITLE,
                    starts_at=starts,
                    ends_at=starts + dt.timedelta(hours=2),
                    venue_asset_id=venue,
                    capacity=None,
                    status=SessionStatus.HELD.value,
                    cancel_reason="",
                    notes="",
                    finalised=True,
                    version=1,
                ),
            )
            # the social care - job guidance tandem meets most; CEB and SAC join rarely
            teams = ["IMSS-AMUNT", "BA"] + [
                t
                for t, p in (
                    ("ECAS", 0.5),
                    ("FEICAT", 0.4),
                    ("CREU-ROJA", 0.4),
                    ("SAC", 0.25),
                    ("CEB", 0.15),
                )
                if self.rng.random() < p
            ]
            for team in teams:
                self.add(
                    SessionFacilitator,
                    dict(session_id=sid, professional_id=int(self.rng.choice(self.staff[team]))),
                )
            if m % 4 == 0:
                day = PERIOD_START + dt.timedelta(days=int(self.rng.integers(0, 120)))
                starts = dt.datetime.combine(day, dt.time(11, 0))
                info = self.add(
                    SessionRow,
                    dict(
                        action_id=None,
                        series_id=None,
                        type=SessionType.INFORMATIVE_GROUP.value,
                        title=_names.INFORMATIVE_TITLE,
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=1, minutes=30),
                        venue_asset_id=int(self.rng.choice(self.css_asset_ids)),
                        capacity=40,
                        status=SessionStatus.HELD.value,
                        cancel_reason="",
                        notes="",
                        finalised=True,
                        version=1,
                    ),
                )
                self.add(
                    SessionFacilitator,
                    dict(
                        session_id=info,
                        professional_id=int(self.rng.choice(self.staff["IMSS-AMUNT"])),
                    ),
                )
                people = self.rng.choice(
                    self.participant_ids, size=int(self.rng.integers(15, 36)), replace=False
                )
                for pid in people:
                    self.add(
                        Attendance,
                        dict(
                            session_id=info,
                            participant_id=int(pid),
                            status=AttendanceStatus.ATTENDED.value,
                            walk_in=False,
                        ),
                    )

    def collaborations(self) -> None:
        """Recorded collaboration matching the Amunt! paper's picture."""
        factor = max(1.0, self.scale.actions / 22)
        for a, b, n, levels, kinds in _names.COLLABORATION_PATTERN:
            for _k in range(round(n * factor)):
                kind = self.choice(kinds)
                directed = kind == CollaborationKind.REFERRAL
                from_svc, to_svc = (a, b) if directed or self.rng.random() < 0.5 else (b, a)
                self.add(
                    Collaboration,
                    dict(
                        from_service_id=self.service_ids[from_svc],
                        to_service_id=self.service_ids[to_svc],
                        from_professional_id=int(self.rng.choice(self.staff[from_svc])),
                        to_professional_id=int(self.rng.choice(self.staff[to_svc])),
                        occurred_on=PERIOD_START
                        + dt.timedelta(days=int(self.rng.integers(0, 395))),
                        kind=kind.value,
                        intensity=int(self.choice(levels)),
                        directed=directed,
                        note="",
                    ),
                )
        for _k in range(int(30 * factor)):
            a, b = self.rng.choice(self.css_service_ids, size=2, replace=False)
            self.add(
                Collaboration,
                dict(
                    from_service_id=int(a),
                    to_service_id=int(b),
                    from_professional_id=None,
                    to_professional_id=None,
                    occurred_on=PERIOD_START + dt.timedelta(days=int(self.rng.integers(0, 395))),
                    kind=CollaborationKind.COORDINATION_MEETING.value,
                    intensity=int(Intensity.COOPERATION),
                    directed=False,
                    note="",
                ),
            )

    def reported_ties(self) -> None:
        """Two survey waves: T0 (October 2022) and T1 (June 2023), more ties at T1."""
        seen: set[tuple[int, int, str]] = set()
        for cohort, kind in self.cohorts:
            for wave, day, mean in (
                ("T0", dt.date(2022, 10, 20), 0.6),
                ("T1", dt.date(2023, 6, 15), 2.2),
            ):
                for j, pid in enumerate(cohort):
                    if self.rng.random() > 0.7:  # survey non-response
                        continue
                    n = int(self.rng.poisson(mean * (1.4 if kind[j] == 0 else 0.7)))
                    others = [int(p) for p in cohort if p != pid]
                    core = np.array(
                        [1.0 if kind[list(cohort).index(p)] == 0 else 0.4 for p in others]
                    )
                    for other in self.rng.choice(
                        others, size=min(n, len(others)), replace=False, p=core / core.sum()
                    ):
                        key = (int(pid), int(other), wave)
                        if key in seen:
                            continue
                        seen.add(key)
                        self.add(
                            ReportedTie,
                            dict(
                                from_participant_id=int(pid),
                                to_participant_id=int(other),
                                observed_on=day,
                                kind=self.choice(
                                    ["acquaintance", "support", "friendship"], p=[0.5, 0.3, 0.2]
                                ),
                                source="survey",
                                wave=wave,
                            ),
                        )

    def assessments(self) -> None:
        instrument = load_instrument("ssm-cat")
        base = _names.SSM_RECEPTION_MEANS
        assessors = self.staff["IMSS-AMUNT"]
        community = {int(p) for cohort, _k in self.cohorts for p in cohort}
        for pid in self.participant_ids:
            if self.rng.random() > 0.7:  # Amunt!: 581 of 829 rated at reception
                continue
            start = PERIOD_START + dt.timedelta(days=int(self.rng.integers(5, 110)))
            personal = self.rng.normal(0, 0.5)
            levels = {d: base[d] + personal + self.rng.normal(0, 0.7) for d in instrument.domains}
            self._assessment(pid, start, "reception", levels, assessors)
            if self.rng.random() < 0.62:
                gain = {d: self.rng.normal(0.3, 0.4) for d in instrument.domains}
                if pid in community:
                    for d in ("social_network", "community_participation", "time_use"):
                        gain[d] += 0.45
                closure = PERIOD_END - dt.timedelta(days=int(self.rng.integers(0, 80)))
                self._assessment(
                    pid, closure, "closure", {d: levels[d] + gain[d] for d in levels}, assessors
                )

    def _assessment(
        self, pid: int, day: dt.date, phase: str, levels: dict[str, float], assessors: list[int]
    ) -> None:
        aid = self.add(
            Assessment,
            dict(
                participant_id=pid,
                assessed_on=day,
                instrument="ssm-cat",
                phase=phase,
                assessor_id=int(self.rng.choice(assessors)),
            ),
        )
        for domain, value in levels.items():
            self.add(
                AssessmentScore,
                dict(assessment_id=aid, domain=domain, level=int(np.clip(round(value), 1, 5))),
            )
