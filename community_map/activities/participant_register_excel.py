"""The participant register as an Excel workbook: template, export and import.

Two sheets. "Participants": one row per person (code, year of birth, age band, gender,
neighbourhood code, alias, consent date and purposes, reference professional codes).
"Enrolments": one row per enrolment (participant code, programme code *or* community
action code, start, exit date, exit reason, evaluation group).

With a year of birth the age band is derived (the Age band cell is then not read).
Import rules: a code that exists is updated, only when something differs; a code that
does not exist is created. A participant named in the Enrolments sheet gets exactly the
enrolments listed there; one not named there keeps theirs. An absent Alias column (an
export made by a role that does not see aliases) leaves aliases as they are. All or
nothing, or with ``skip_bad_rows`` each bad row is skipped and reported (a bad enrolment
row skips that participant's other enrolment rows too, so no enrolment is lost).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._registers import (
    CellError,
    Column,
    ParsedRow,
    RegisterImport,
    RowProblem,
    Sheet,
    apply_rows,
    frame_for,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.activities.participant_register_reads import (
    enrolments_frame,
    participants_frame,
)
from community_map.activities.participant_register_writes import (
    EnrolmentRow,
    create_participant,
    set_enrolments,
    update_participant,
)
from community_map.errors import ImportFileError, ValidationError
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    AGE_BANDS,
    EVALUATION_GROUP_LABELS,
    EXIT_REASON_LABELS,
    GENDER_LABELS,
    CommunityAction,
    Participant,
    ParticipantProfessional,
    Professional,
    Programme,
    TerritoryUnit,
    UnitKind,
)
from community_map.trust.audit import record_export
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "ENROLMENT_COLUMNS",
    "PARTICIPANT_COLUMNS",
    "enrolment_rows",
    "import_participants",
    "participants_template",
    "participants_to_excel",
]

PARTICIPANT_COLUMNS: tuple[Column, ...] = (
    Column("code", N_("Participant code"), required=True),
    Column("birth_year", N_("Year of birth"), kind="int", minimum=1900, maximum=2100),
    # a drop-down of the bands, which are not translated (so not a "choice")
    Column("age_band", N_("Age band"), kind="code"),
    Column(
        "gender",
        N_("Gender"),
        kind="choice",
        choices={str(k): v for k, v in GENDER_LABELS.items()},
    ),
    Column("neighbourhood", N_("Neighbourhood code"), kind="code"),
    Column("alias", N_("Alias")),
    Column("consent_date", N_("Consent date"), kind="date"),
    Column("consent_processing", N_("Consent to data processing"), kind="bool"),
    Column("consent_survey", N_("Consent to the network survey"), kind="bool"),
    Column("consent_images", N_("Consent to images"), kind="bool"),
    Column("professionals", N_("Reference professional codes"), kind="codes"),
)

ENROLMENT_COLUMNS: tuple[Column, ...] = (
    Column("participant", N_("Participant code"), kind="code", required=True),
    Column("programme", N_("Programme code"), kind="code"),
    Column("action", N_("Community action code"), kind="code"),
    Column("starts_on", N_("Start"), kind="date", required=True),
    Column("ends_on", N_("Exit date"), kind="date"),
    Column(
        "exit_reason",
        N_("Exit reason"),
        kind="choice",
        choices={str(k): v for k, v in EXIT_REASON_LABELS.items()},
    ),
    Column(
        "evaluation_group",
        N_("Evaluation group"),
        kind="choice",
        choices={str(k): v for k, v in EVALUATION_GROUP_LABELS.items()},
    ),
)

_PARTICIPANTS = N_("Participants")
_ENROLMENTS = N_("Enrolments")


def _codes(session: Session, model: Any, **where: Any) -> dict[str, int]:
    query = select(model.code, model.id)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    return {str(code): int(i) for code, i in session.execute(query.order_by(model.code))}


class _Lookups:
    """Codes of the taxonomy → ids, read once per import or export."""

    def __init__(self, session: Session) -> None:
        self.neighbourhoods = _codes(session, TerritoryUnit, kind=UnitKind.NEIGHBOURHOOD.value)
        self.programmes = _codes(session, Programme)
        self.actions = _codes(session, CommunityAction)
        self.professionals = _codes(session, Professional)

    def lists(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        return (
            {
                "age_band": list(AGE_BANDS),
                "neighbourhood": list(self.neighbourhoods),
                "professionals": list(self.professionals),
            },
            {"programme": list(self.programmes), "action": list(self.actions)},
        )


def _sheets(
    participants: pd.DataFrame | None,
    enrolments: pd.DataFrame | None,
    lookups: _Lookups | None,
    *,
    with_alias: bool = True,
) -> list[Sheet]:
    people_lists, enrolment_lists = (
        lookups.lists() if lookups is not None else ({"age_band": list(AGE_BANDS)}, {})
    )
    columns = [c for c in PARTICIPANT_COLUMNS if with_alias or c.field != "alias"]
    return [
        Sheet(_PARTICIPANTS, columns, participants, people_lists),
        Sheet(_ENROLMENTS, ENROLMENT_COLUMNS, enrolments, enrolment_lists),
    ]


def participants_template(session: Session | None = None) -> bytes:
    """The empty register workbook; with a ``session``, drop-downs hold the taxonomy's codes.

    Examples
    --------
    >>> participants_template()[:2]
    b'PK'
    """
    return sheets_to_excel(_sheets(None, None, _Lookups(session) if session else None))


def participants_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every participant and enrolment as the register workbook; the export is audited.

    Holds personal data: needs ``EXPORT_PERSONAL_DATA``; the alias column is written only
    for roles that may see aliases.

    Examples
    --------
    >>> participants_to_excel(session, actor=actor)[:2]  # doctest: +SKIP
    b'PK'
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    require(actor, Permission.EXPORT_PERSONAL_DATA)
    lookups = _Lookups(session)
    people = participants_frame(session, actor=actor)
    with_alias = actor.can(Permission.VIEW_ALIASES)
    people_rows = [
        {
            "code": p["code"],
            "birth_year": None if pd.isna(p["birth_year"]) else int(p["birth_year"]),
            "age_band": p["age_band"] or None,
            "gender": p["gender"] or None,
            "neighbourhood": p["neighbourhood_code"] or None,
            "alias": p.get("alias") or None,
            "consent_date": p["consent_date"],
            "consent_processing": bool(p["consent_processing"]),
            "consent_survey": bool(p["consent_survey"]),
            "consent_images": bool(p["consent_images"]),
            "professionals": p["professionals"] or None,
        }
        for p in people.to_dict("records")
    ]
    enrolments = enrolments_frame(session, actor=actor)
    enrolment_rows = [
        {
            "participant": e["participant"],
            "programme": e["programme"],
            "action": e["action"],
            "starts_on": e["starts_on"],
            "ends_on": e["ends_on"],
            "exit_reason": e["exit_reason"] or None,
            "evaluation_group": e["evaluation_group"] or None,
        }
        for e in enrolments.to_dict("records")
    ]
    columns = [c for c in PARTICIPANT_COLUMNS if with_alias or c.field != "alias"]
    data = sheets_to_excel(
        _sheets(
            frame_for(people_rows, columns),
            frame_for(enrolment_rows, ENROLMENT_COLUMNS),
            lookups,
            with_alias=with_alias,
        )
    )
    record_export(
        session,
        actor,
        "participant_register",
        len(people_rows),
        enrolments=len(enrolment_rows),
        aliases=with_alias,
    )
    return data


def _state(session: Session, person: Participant) -> dict[str, Any]:
    professionals = sorted(
        session.scalars(
            select(ParticipantProfessional.professional_id).where(
                ParticipantProfessional.participant_id == person.id
            )
        )
    )
    return {
        "alias": person.alias,
        "birth_year": person.birth_year,
        "age_band": person.age_band,
        "gender": person.gender,
        "neighbourhood_id": person.neighbourhood_id,
        "consent_date": person.consent_date,
        "consent_processing": bool(person.consent_processing),
        "consent_survey": bool(person.consent_survey),
        "consent_images": bool(person.consent_images),
        "professional_ids": professionals,
    }


def _participant_writer(
    session: Session,
    actor: Actor,
    lookups: _Lookups,
    outcomes: dict[str, str],
) -> Any:
    def write(values: dict[str, Any]) -> str:
        code = str(values["code"]).strip().upper()
        hood = values.get("neighbourhood")
        if hood and hood not in lookups.neighbourhoods:
            raise CellError(
                "neighbourhood",
                _("There is no neighbourhood with code {code}: pick one from the list.").format(
                    code=hood
                ),
            )
        missing = [p for p in values.get("professionals") or [] if p not in lookups.professionals]
        if missing:
            raise CellError(
                "professionals",
                _("There is no professional with code {codes}: pick them from the list.").format(
                    codes=", ".join(missing)
                ),
            )
        person = session.scalar(select(Participant).where(Participant.code == code))
        given: dict[str, Any] = {
            "birth_year": values.get("birth_year"),
            "age_band": values.get("age_band") or "",
            "gender": values.get("gender") or "",
            "neighbourhood_id": lookups.neighbourhoods.get(hood) if hood else None,
            "consent_date": values.get("consent_date"),
            "consent_processing": bool(values.get("consent_processing")),
            "consent_survey": bool(values.get("consent_survey")),
            "consent_images": bool(values.get("consent_images")),
            "professional_ids": sorted(
                {lookups.professionals[p] for p in values.get("professionals") or []}
            ),
        }
        if "alias" in values:
            given["alias"] = (values.get("alias") or "").strip() or None
        if given["birth_year"] is not None:
            given["age_band"] = ""  # derived from the year of birth
        if person is None:
            try:
                create_participant(session, actor=actor, code=code, **given)
            except ValidationError as exc:
                raise _cell_error(exc, given) from exc
            outcomes[code] = "created"
            return "created"
        now = _state(session, person)
        wanted = {**now, **given}
        if wanted["birth_year"] is not None:
            wanted["age_band"] = now["age_band"]  # derived from the year by the write
        if wanted == now:
            outcomes[code] = "unchanged"
            return "unchanged"
        keep_alias = "alias" not in values
        if keep_alias:
            given.pop("alias", None)
        try:
            update_participant(
                session,
                actor=actor,
                participant_id=person.id,
                version=person.version,
                keep_alias=keep_alias,
                **given,
            )
        except ValidationError as exc:
            raise _cell_error(exc, given) from exc
        outcomes[code] = "updated"
        return "updated"

    return write


def _cell_error(exc: ValidationError, given: Mapping[str, Any]) -> ValidationError:
    message = str(exc)
    for field, words in (
        ("age_band", ("age band",)),
        ("birth_year", ("year of birth",)),
        ("gender", ("gender",)),
        ("alias", ("alias",)),
    ):
        if any(w in message for w in words) and field in given:
            return CellError(field, message)
    return exc


def _enrolment_of(values: Mapping[str, Any], lookups: _Lookups) -> EnrolmentRow:
    programme, action = values.get("programme"), values.get("action")
    if bool(programme) == bool(action):
        raise CellError(
            "programme",
            _("Write a programme code or a community action code (one of the two)."),
        )
    if programme and programme not in lookups.programmes:
        raise CellError(
            "programme",
            _("There is no programme with code {code}: pick one from the list.").format(
                code=programme
            ),
        )
    if action and action not in lookups.actions:
        raise CellError(
            "action",
            _("There is no community action with code {code}: pick one from the list.").format(
                code=action
            ),
        )
    starts, ends = values["starts_on"], values.get("ends_on")
    if ends is not None and ends < starts:
        raise CellError(
            "ends_on",
            _("The exit date is before the start: swap the dates."),
        )
    reason = values.get("exit_reason") or ""
    if reason and ends is None:
        raise CellError("exit_reason", _("Give the exit date of an enrolment with an exit reason."))
    return EnrolmentRow(
        starts,
        lookups.programmes.get(programme) if programme else None,
        lookups.actions.get(action) if action else None,
        ends,
        reason,
        values.get("evaluation_group") or "",
    )


class _RowFailureError(Exception):
    def __init__(self, problem: RowProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _apply_enrolments(
    session: Session,
    rows: Sequence[ParsedRow],
    *,
    actor: Actor,
    lookups: _Lookups,
    path: str,
    skip_bad_rows: bool,
    report: RegisterImport,
    outcomes: dict[str, str],
) -> None:
    labels = {c.field: _(c.label) for c in ENROLMENT_COLUMNS}
    groups: dict[str, list[ParsedRow]] = {}
    for parsed in rows:
        code = str(parsed.values.get("participant") or "").strip().upper()
        groups.setdefault(code or f"#{parsed.row}", []).append(parsed)
    for code, group in groups.items():
        problem = next((p.problem for p in group if p.problem is not None), None)
        if problem is None:
            try:
                with session.begin_nested():
                    person = session.scalar(select(Participant).where(Participant.code == code))
                    if person is None:
                        raise _RowFailureError(
                            RowProblem(
                                group[0].row,
                                labels["participant"],
                                _(
                                    "There is no participant with code {code}: add them to "
                                    "the Participants sheet."
                                ).format(code=code),
                            )
                        )
                    given = []
                    for parsed in group:
                        try:
                            given.append(_enrolment_of(parsed.values, lookups))
                        except CellError as exc:
                            raise _RowFailureError(
                                RowProblem(parsed.row, labels.get(exc.field, exc.field), str(exc))
                            ) from exc
                    changed = set_enrolments(
                        session, actor=actor, participant_id=person.id, enrolments=given
                    )
            except _RowFailureError as failure:
                problem = failure.problem
            except ValidationError as exc:
                problem = RowProblem(group[0].row, "", str(exc))
            else:
                before = outcomes.get(code)
                if changed and before in (None, "unchanged"):
                    if before == "unchanged":
                        report.unchanged -= 1
                    report.updated += 1
                    outcomes[code] = "updated"
                elif before is None:
                    report.unchanged += 1
                    outcomes[code] = "unchanged"
        if problem is None:
            continue
        if not skip_bad_rows:
            raise ImportFileError(
                problem.message, path=path, row=problem.row, column=problem.column or None
            )
        report.skipped.append(problem)
        for parsed in group:
            if parsed.row != problem.row:
                report.skipped.append(
                    RowProblem(
                        parsed.row,
                        "",
                        _(
                            "Skipped with row {row}: a participant's enrolments are imported "
                            "together."
                        ).format(row=problem.row),
                    )
                )


def import_participants(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "participants.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Import the register workbook: participants, then enrolments; audited.

    All or nothing (the first bad row raises :class:`ImportFileError` naming row and
    column) unless ``skip_bad_rows``. Importing an exported workbook changes nothing.

    Examples
    --------
    >>> import_participants(session, open("p.xlsx", "rb").read(), actor=actor)  # doctest: +SKIP
    RegisterImport(created=12, updated=0, unchanged=0, skipped=[])
    """
    require(actor, Permission.EDIT_PARTICIPANTS)
    raw = source if isinstance(source, bytes) else source.read()
    people = rows_from_excel(raw, PARTICIPANT_COLUMNS, path=path, sheet=_PARTICIPANTS)
    enrolments = rows_from_excel(
        raw, ENROLMENT_COLUMNS, path=path, sheet=_ENROLMENTS, optional_sheet=True
    )
    lookups = _Lookups(session)
    outcomes: dict[str, str] = {}
    report = apply_rows(
        session,
        people,
        _participant_writer(session, actor, lookups, outcomes),
        path=path,
        columns=PARTICIPANT_COLUMNS,
        skip_bad_rows=skip_bad_rows,
    )
    _apply_enrolments(
        session,
        enrolments,
        actor=actor,
        lookups=lookups,
        path=path,
        skip_bad_rows=skip_bad_rows,
        report=report,
        outcomes=outcomes,
    )
    return report


def enrolment_rows(rows: Iterable[Mapping[str, Any]]) -> list[EnrolmentRow]:
    """Enrolments from table rows with ids (``programme_id``, ``action_id``...); blank rows
    are skipped. Dates may be dates, timestamps or ISO text.

    Examples
    --------
    >>> enrolment_rows([{"programme_id": 1, "action_id": None, "starts_on": "2022-09-05",
    ...                  "ends_on": None, "exit_reason": None, "evaluation_group": None}])
    [EnrolmentRow(starts_on=datetime.date(2022, 9, 5), programme_id=1, action_id=None, \
ends_on=None, exit_reason='', evaluation_group='')]
    """
    found: list[EnrolmentRow] = []
    for row in rows:
        programme, action = _id(row.get("programme_id")), _id(row.get("action_id"))
        starts_on, ends_on = _day(row.get("starts_on")), _day(row.get("ends_on"))
        reason, group = _word(row.get("exit_reason")), _word(row.get("evaluation_group"))
        if programme is None and action is None and starts_on is None and not reason:
            continue
        # a missing start is refused by the writes with a message saying what to give
        found.append(EnrolmentRow(starts_on, programme, action, ends_on, reason, group))  # type: ignore[arg-type]
    return found


def _day(value: object) -> dt.date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise ValidationError(
            _("{value!r} is not a date; write YYYY-MM-DD.").format(value=value)
        ) from exc


def _id(value: object) -> int | None:
    if value is None or (isinstance(value, float) and value != value) or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    return int(str(value))


def _word(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()
