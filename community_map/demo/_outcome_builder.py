"""What the demo year leaves: collaborations between services, reported ties, assessments.

Private to :mod:`community_map.demo`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json

import numpy as np

from community_map.demo import _names
from community_map.demo._builder_base import (
    PERIOD_END,
    PERIOD_START,
    BuilderBase,
)
from community_map.demo.waves import AMUNT_WAVES
from community_map.evaluation import DEPENDANTS_EXAMPLE, load_instrument
from community_map.models import (
    INTENSITY_SCALE,
    Assessment,
    AssessmentScore,
    Collaboration,
    CollaborationKind,
    CoordinationMeeting,
    CoordinationMember,
    CoordinationSpace,
    InstrumentDefinition,
    Intensity,
    MeasurementPoint,
    MeetingAttendance,
    Participant,
    Programme,
    Referral,
    ReportedTie,
    SurveyResponse,
)
from community_map.networks.survey_register_writes import QUESTION_TIE_KINDS
from community_map.trust import ConsentPurpose, has_consent

__all__ = ["OutcomeBuilder"]


class OutcomeBuilder(BuilderBase):
    """Collaborations between services, the survey waves' reported ties and SSM-Cat assessments.

    Ties and assessments follow the application's consent rule
    (:func:`community_map.trust.has_consent`): none is built for a participant without it.
    """

    @functools.cached_property
    def _people(self) -> dict[int, Participant]:
        return {int(row["id"]): Participant(**row) for row in self.rows.get(Participant, [])}

    def consents(self, pid: int, purpose: ConsentPurpose) -> bool:
        """Whether the demo participant ``pid`` consented to ``purpose`` (the app's rule)."""
        return has_consent(self._people[int(pid)], purpose)

    def programmes(self) -> None:
        """The Amunt! 2022-23 programme, led by its social services team, with T0/T1/T2."""
        programme_id = self.programme_id = self.add(
            Programme,
            dict(
                code="AMUNT-2022",
                name="Amunt! 2022-23",
                starts_on=PERIOD_START,
                ends_on=max(last for _first, last in AMUNT_WAVES.values()),
                lead_service_id=self.service_ids.get("IMSS-AMUNT"),
                notes="",
                version=1,
            ),
        )
        self.point_ids: dict[str, int] = {}
        for name, (first, last) in AMUNT_WAVES.items():
            self.point_ids[name] = self.add(
                MeasurementPoint,
                dict(programme_id=programme_id, name=name, starts_on=first, ends_on=last),
            )

    def collaborations(self) -> None:
        """Recorded collaboration and referrals matching the Amunt! paper's picture."""
        factor = max(1.0, self.scale.actions / 22)
        for a, b, n, levels, kinds in _names.COLLABORATION_PATTERN:
            for _k in range(round(n * factor)):
                kind = self.choice(kinds)
                day = PERIOD_START + dt.timedelta(days=int(self.rng.integers(0, 395)))
                if kind == _names.REFERRAL:
                    self._referral(a, b, day)
                    continue
                from_svc, to_svc = (a, b) if self.rng.random() < 0.5 else (b, a)
                self.add(
                    Collaboration,
                    dict(
                        from_service_id=self.service_ids[from_svc],
                        to_service_id=self.service_ids[to_svc],
                        from_professional_id=int(self.rng.choice(self.staff[from_svc])),
                        to_professional_id=int(self.rng.choice(self.staff[to_svc])),
                        occurred_on=day,
                        kind=str(kind),
                        intensity=int(self.choice(levels)),
                        directed=False,
                        note="",
                        scale=INTENSITY_SCALE,
                        version=1,
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
                    kind=CollaborationKind.INFORMATION_EXCHANGE.value,
                    intensity=int(Intensity.COORDINATING),
                    directed=False,
                    note="",
                    scale=INTENSITY_SCALE,
                    version=1,
                ),
            )

    def _referral(self, from_code: str, to_code: str, day: dt.date) -> None:
        """A referral; one in three names a participant (who consented to being assessed)."""
        outcome = str(self.choice(["accepted", "declined", "pending"], p=[0.65, 0.15, 0.2]))
        pid = None
        if self.participant_ids and self.rng.random() < 0.33:
            candidate = int(self.rng.choice(self.participant_ids))
            if self.consents(candidate, ConsentPurpose.ASSESSMENT):
                pid = candidate
        self.add(
            Referral,
            dict(
                from_service_id=self.service_ids[from_code],
                to_service_id=self.service_ids[to_code],
                referred_on=day,
                participant_id=pid,
                outcome=outcome,
                outcome_on=None
                if outcome == "pending"
                else day + dt.timedelta(days=int(self.rng.integers(3, 40))),
                note="",
                version=1,
            ),
        )

    def coordination(self) -> None:
        """Coordination spaces with monthly meetings: the Amunt! motor group, a case team
        and a district table of social services centres; each member comes to about three
        meetings in four."""
        amunt, ba, sac = (self.service_ids[c] for c in ("IMSS-AMUNT", "BA", "SAC"))
        district = next(iter(self.district_ids.values()), None)
        spaces = (
            ("GM-AMUNT", "Grup motor Amunt! comunitari", "motor_group", amunt, None,
             [("service", amunt), ("service", ba), ("service", sac),
              ("professional", self.staff["IMSS-AMUNT"][0]),
              ("entity", "Associació de Veïns i Veïnes"), ("resident", "Veïna portaveu")]),
            ("ETAC-AMUNT", "Equip de coordinació de casos Amunt!", "case_team", amunt, None,
             [("professional", self.staff["IMSS-AMUNT"][0]),
              ("professional", self.staff["BA"][0]),
              ("professional", self.staff["ECAS"][0])]),
            ("TAULA-CSS", "Taula de centres de serveis socials", "district_table",
             self.css_service_ids[0], district,
             [("service", sid) for sid in self.css_service_ids[:5]]
             + [("entity", "Creu Roja")]),
        )  # fmt: skip
        for code, name, kind, lead, territory, members in spaces:
            space = self.add(
                CoordinationSpace,
                dict(
                    code=code,
                    name=name,
                    kind=kind,
                    lead_service_id=lead,
                    territory_unit_id=territory,
                    version=1,
                ),
            )
            ids = [
                self.add(
                    CoordinationMember,
                    dict(
                        space_id=space,
                        member_kind=member_kind,
                        service_id=ref if member_kind == "service" else None,
                        professional_id=ref if member_kind == "professional" else None,
                        name=str(ref) if member_kind in ("entity", "resident") else "",
                    ),
                )
                for member_kind, ref in members
            ]
            for month in range(12):
                held = dt.date(2022 + (8 + month) // 12, (8 + month) % 12 + 1, 12)
                meeting = self.add(
                    CoordinationMeeting,
                    dict(space_id=space, held_on=held, note="", version=1),
                )
                for member in ids:
                    if self.rng.random() < 0.75:
                        self.add(MeetingAttendance, dict(meeting_id=meeting, member_id=member))

    def reported_ties(self) -> None:
        """Two tie survey waves of Amunt!: T0 (October 2022) and T1 (June 2023), more ties at T1.

        Every respondent gets a survey response at the measurement point ("people you
        could ask for help"), naming nobody or some of their cohort; about 30% of the
        consenting cohort do not answer (no response: "no answer", never isolated).
        """
        if not hasattr(self, "point_ids"):  # the answers belong to the programme's points
            self.programmes()
        seen: set[tuple[int, int, str]] = set()
        answered: dict[tuple[int, str], int] = {}
        for cohort, kind in self.cohorts:
            for wave, day, mean in (
                ("T0", dt.date(2022, 10, 20), 0.6),
                ("T1", dt.date(2023, 6, 15), 2.2),
            ):
                for j, pid in enumerate(cohort):
                    if not self.consents(pid, ConsentPurpose.NETWORK_SURVEY):
                        continue
                    if self.rng.random() > 0.7:  # survey non-response
                        continue
                    if (
                        int(pid),
                        wave,
                    ) not in answered:  # one answer per point, even in two cohorts
                        answered[int(pid), wave] = self.add(
                            SurveyResponse,
                            dict(
                                measurement_point_id=self.point_ids[wave],
                                respondent_id=int(pid),
                                question="help",
                                answered_on=day,
                                version=1,
                            ),
                        )
                    n = int(self.rng.poisson(mean * (1.4 if kind[j] == 0 else 0.7)))
                    others = [int(p) for p in cohort if p != pid]
                    core = np.array(
                        [1.0 if kind[list(cohort).index(p)] == 0 else 0.4 for p in others]
                    )
                    for other in self.rng.choice(
                        others, size=min(n, len(others)), replace=False, p=core / core.sum()
                    ):
                        key = (int(pid), int(other), wave)
                        if key in seen or not self.consents(other, ConsentPurpose.NETWORK_SURVEY):
                            continue
                        seen.add(key)
                        # drawn, then set by the question, so the demo's random stream (and
                        # every figure built after it) stays as it was
                        self.choice(["acquaintance", "support", "friendship"], p=[0.5, 0.3, 0.2])
                        self.add(
                            ReportedTie,
                            dict(
                                from_participant_id=int(pid),
                                to_participant_id=int(other),
                                observed_on=day,
                                kind=QUESTION_TIE_KINDS["help"],
                                source="survey",
                                wave=wave,
                                response_id=answered[int(pid), wave],
                            ),
                        )

    def assessments(self) -> None:
        # the centre has loaded the shipped file with the 4 domains for people with dependants
        dependants = json.loads(DEPENDANTS_EXAMPLE.read_text(encoding="utf-8"))
        self.add(
            InstrumentDefinition,
            dict(
                code=dependants["code"],
                edition=dependants["version"],
                definition=dependants,
                loaded_at=dt.datetime.combine(PERIOD_START, dt.time(9)),
            ),
        )
        instrument = load_instrument("ssm-cat")
        base = _names.SSM_RECEPTION_MEANS
        assessors = self.staff["IMSS-AMUNT"]
        community = {int(p) for cohort, _k in self.cohorts for p in cohort}
        for pid in self.participant_ids:
            if not self.consents(pid, ConsentPurpose.ASSESSMENT):
                continue
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
                instrument_version=load_instrument("ssm-cat").version,
                phase=phase,
                assessor_id=int(self.rng.choice(assessors)),
                information_on=day - dt.timedelta(days=pid % 21),  # no draw: keeps the stream
            ),
        )
        for domain, value in levels.items():
            self.add(
                AssessmentScore,
                dict(assessment_id=aid, domain=domain, level=int(np.clip(round(value), 1, 5))),
            )
