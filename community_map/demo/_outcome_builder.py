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
    Assessment,
    AssessmentScore,
    Collaboration,
    CollaborationKind,
    InstrumentDefinition,
    Intensity,
    MeasurementPoint,
    Participant,
    Programme,
    ReportedTie,
)
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
        programme_id = self.add(
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
        for name, (first, last) in AMUNT_WAVES.items():
            self.add(
                MeasurementPoint,
                dict(programme_id=programme_id, name=name, starts_on=first, ends_on=last),
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
                    if not self.consents(pid, ConsentPurpose.NETWORK_SURVEY):
                        continue
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
                        if key in seen or not self.consents(other, ConsentPurpose.NETWORK_SURVEY):
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
