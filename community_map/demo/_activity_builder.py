"""The demo's participants, community actions, sessions and attendance.

Private to :mod:`community_map.demo`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from community_map.demo import _names
from community_map.demo._builder_base import (
    PERIOD_END,
    PERIOD_START,
    BuilderBase,
    Progress,
)
from community_map.i18n import gettext as _
from community_map.models import (
    ActionNeighbourhood,
    ActionPhase,
    Attendance,
    AttendanceStatus,
    CommunityAction,
    Enrolment,
    Invitation,
    MotorGroupMember,
    Participant,
    ParticipantProfessional,
    Phase,
    Professional,
    SessionFacilitator,
    SessionPartner,
    SessionSeries,
    SessionStatus,
    SessionType,
)
from community_map.models import Session as SessionRow

__all__ = ["ActivityBuilder"]


class ActivityBuilder(BuilderBase):
    """Participants; a year of community actions, sessions and attendance; services' meetings."""

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
            ["18-24", "25-34", "35-44", "45-54", "55-64"],
            size=n,
            p=[0.024, 0.2, 0.28, 0.253, 0.243],
        )
        social = self.staff["IMSS-AMUNT"]
        roles = {int(row["id"]): row["role"] for row in self.rows.get(Professional, [])}
        social_workers = [p for p in social if roles.get(p) == "social worker"]
        counsellors = [
            p for code in ("ECAS", "FEICAT", "CREU-ROJA") for p in self.staff.get(code, [])
        ]
        nb_codes = self.cells.index.to_list()
        self.participant_ids = []
        self.participant_nb = {}
        extra = self.register_rng
        for i in range(n):
            enrolled = PERIOD_START + dt.timedelta(days=int(self.rng.integers(0, 150)))
            exited = (
                PERIOD_END - dt.timedelta(days=int(self.rng.integers(0, 75)))
                if self.rng.random() < 0.85
                else None
            )
            reference = int(self.rng.choice(social))
            pid = self.add(
                Participant,
                dict(
                    code=codes[i],
                    alias=None,
                    birth_year=None,
                    age_band=str(ages[i]),
                    gender=str(genders[i]),
                    neighbourhood_id=self.nb_ids[nb_codes[int(nbs[i])]],
                    consent_date=enrolled,
                    consent_processing=True,
                    consent_survey=True,
                    consent_images=bool(extra.random() < 0.6),
                    version=1,
                ),
            )
            # Amunt!: each person had a social worker and a Làbora job counsellor (a tandem)
            tandem = [int(extra.choice(social_workers))] if social_workers else [reference]
            if counsellors:
                tandem.append(int(extra.choice(counsellors)))
            for professional_id in tandem:
                self.add(
                    ParticipantProfessional,
                    dict(participant_id=pid, professional_id=professional_id),
                )
            if exited is None:
                reason = ""
            else:
                reason = str(
                    extra.choice(
                        ["completed", "dropped_out", "moved_away", "referred_elsewhere"],
                        p=[0.7, 0.15, 0.05, 0.1],
                    )
                )
            self.add(
                Enrolment,
                dict(
                    participant_id=pid,
                    programme_id=self.programme_id,
                    action_id=None,
                    starts_on=enrolled,
                    ends_on=exited,
                    exit_reason=reason,
                    evaluation_group="intervention",
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
        self.attendance_by_session = {}
        self.cohorts = []
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

    def _held_service_session(
        self,
        kind: SessionType,
        title: str,
        starts: dt.datetime,
        length: dt.timedelta,
        *,
        venue: int,
        capacity: int | None,
    ) -> int:
        """Add a held, finalised session that belongs to no community action."""
        return self.add(
            SessionRow,
            dict(
                action_id=None,
                series_id=None,
                type=kind.value,
                title=title,
                starts_at=starts,
                ends_at=starts + length,
                venue_asset_id=venue,
                capacity=capacity,
                status=SessionStatus.HELD.value,
                cancel_reason="",
                notes="",
                finalised=True,
                version=1,
            ),
        )

    def _service_sessions(self) -> None:
        """Coordination meetings between services and Amunt! informative groups."""
        # the tandem's permanent follow-up space met about weekly
        meetings = int(48 * max(1.0, self.scale.actions / 22))
        for m in range(meetings):
            day = PERIOD_START + dt.timedelta(days=int(self.rng.integers(0, 390)))
            starts = dt.datetime.combine(day, dt.time(9, 30))
            venue = int(self.rng.choice(self.css_asset_ids))
            sid = self._held_service_session(
                SessionType.COORDINATION_MEETING,
                _names.COORDINATION_TITLE,
                starts,
                dt.timedelta(hours=2),
                venue=venue,
                capacity=None,
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
                info = self._held_service_session(
                    SessionType.INFORMATIVE_GROUP,
                    _names.INFORMATIVE_TITLE,
                    starts,
                    dt.timedelta(hours=1, minutes=30),
                    venue=int(self.rng.choice(self.css_asset_ids)),
                    capacity=40,
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
