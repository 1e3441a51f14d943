"""The registers a centre keeps, by the name the command line and the pages use.

Each register module offers three functions with the same shape, so the command line
(``community-map import|export NAME FILE``), the pages and the tests treat every
register alike:

- ``template() -> bytes``: the empty Excel template (headers in the active language,
  drop-down lists from the taxonomy);
- ``export(session, *, actor) -> bytes``: the register as that workbook;
- ``load(session, source, *, actor, path, skip_bad_rows=False) -> RegisterImport``: an
  import, all or nothing unless ``skip_bad_rows``; exporting and importing the file back
  changes nothing.

Functions are named by dotted path and imported on use, so the command line starts fast.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any, cast

from sqlalchemy.orm import Session

from community_map._registers import RegisterImport
from community_map.i18n import N_
from community_map.trust.permissions import Actor

__all__ = ["REGISTERS", "RegisterImport", "RegisterSpec"]


@dataclass(frozen=True)
class RegisterSpec:
    """A register: its command-line name, description and the dotted paths of its functions."""

    name: str
    help: str
    template_path: str
    export_path: str
    load_path: str

    @staticmethod
    def _resolve(path: str) -> Callable[..., Any]:
        module, _, attribute = path.rpartition(".")
        return cast("Callable[..., Any]", getattr(importlib.import_module(module), attribute))

    def template(self) -> bytes:
        """The empty workbook, in the active language."""
        return cast("bytes", self._resolve(self.template_path)())

    def export(self, session: Session, *, actor: Actor) -> bytes:
        """The register as a workbook (the actor is checked and exports are audited)."""
        return cast("bytes", self._resolve(self.export_path)(session, actor=actor))

    def load(
        self,
        session: Session,
        source: IO[bytes] | bytes,
        *,
        actor: Actor,
        path: str,
        skip_bad_rows: bool = False,
    ) -> RegisterImport:
        """Import a workbook, all or nothing unless ``skip_bad_rows``."""
        loader = self._resolve(self.load_path)
        return cast(
            "RegisterImport",
            loader(session, source, actor=actor, path=path, skip_bad_rows=skip_bad_rows),
        )


def _spec(name: str, help: str, module: str, stem: str) -> RegisterSpec:
    return RegisterSpec(
        name,
        help,
        f"{module}.{stem}_template",
        f"{module}.{stem}_to_excel",
        f"{module}.import_{stem}",
    )


_ALL: tuple[RegisterSpec, ...] = (
    # one _spec(...) line per register; keep the order of the command line's listing
    _spec(
        "programmes",
        N_("Programmes and their measurement points (one row per point)."),
        "community_map.activities.programme_register_excel",
        "programmes",
    ),
    _spec(
        "services",
        N_("Services and entities: field of work, legal nature, organisation, place, area."),
        "community_map.territory.service_register_excel",
        "services",
    ),
    _spec(
        "professionals",
        N_("Professionals: code or name, profession, service, active period."),
        "community_map.territory.service_register_excel",
        "professionals",
    ),
    _spec(
        "coordination",
        N_("coordination spaces, their members and meetings with who attended"),
        "community_map.networks.coordination_register_excel",
        "coordination",
    ),
    _spec(
        "collaborations",
        N_("collaborations between services, with kind and intensity"),
        "community_map.networks.collaboration_register_excel",
        "collaborations",
    ),
    _spec(
        "referrals",
        N_("referrals from service to service, with outcome"),
        "community_map.networks.collaboration_register_excel",
        "referrals",
    ),
    _spec(
        "participants",
        N_("Participants: codes, consent, reference professionals and enrolments"),
        "community_map.activities.participant_register_excel",
        "participants",
    ),
    _spec(
        "surveys",
        N_("Tie surveys: who answered at each measurement point and whom they named"),
        "community_map.networks.survey_register_excel",
        "surveys",
    ),
    _spec(
        "assessments",
        N_("assessments (SSM-Cat...): one row per assessment, one column per domain"),
        "community_map.evaluation.assessment_register_excel",
        "assessments",
    ),
)

#: Every register, in the order the command line lists them.
REGISTERS: dict[str, RegisterSpec] = {spec.name: spec for spec in _ALL}
