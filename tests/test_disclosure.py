"""The disclosure rule, tried as an attacker would: subtract visible counts from totals."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from community_map import evaluation
from community_map.models import Role, TerritoryUnit, UnitKind
from community_map.storage import session_scope
from community_map.territory.indicators import neighbourhood_indicator
from community_map.trust import Actor, feasible_values, people_count, protected_total

VIEWER = Actor(username="district", role=Role.DISTRICT_VIEWER)
MOTOR = Actor(username="motor", role=Role.MOTOR_GROUP)


def test_people_count_by_hand() -> None:
    shown = [people_count(n, exact=False, threshold=5, base=5)[1] for n in range(0, 14)]
    assert shown == ["0"] + ["< 5"] * 4 + ["5", "5", "5", "10", "10", "10", "10", "10", "15"]
    assert math.isnan(people_count(4, exact=False, threshold=5, base=5)[0])
    assert people_count(4, exact=True) == (4.0, "4")


def test_a_total_that_would_pin_a_part_down_is_withheld() -> None:
    # 15 + 15 + "< 5" = 25 can only be 13 + 13 + 1: the total must not be shown
    parts = [people_count(n, exact=False, threshold=5, base=5)[1] for n in (13, 13, 1)]
    assert feasible_values(parts, "25")[2] == {1}
    assert protected_total(parts, 27, exact=False, threshold=5, base=5) == "—"
    assert feasible_values(parts, "—")[2] == {1, 2, 3, 4}
    assert protected_total(parts, 27, exact=True) == "27"


def test_exact_subtraction_recovers_a_suppressed_count_without_rounding() -> None:
    # The attack of the issue: 23 - 12 - 9 = 2 when totals are exact.
    parts = [people_count(n, exact=False, threshold=5, base=1)[1] for n in (12, 9, 2)]
    total = people_count(23, exact=False, threshold=5, base=1)[1]
    assert feasible_values(parts, total, base=1)[2] == {2}


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12))
def test_protected_totals_never_give_away_a_suppressed_part(counts: list[int]) -> None:
    parts = [people_count(n, exact=False, threshold=5, base=5)[1] for n in counts]
    total = protected_total(parts, sum(counts), exact=False, threshold=5, base=5)
    for true, shown, values in zip(counts, parts, feasible_values(parts, total), strict=True):
        assert true in values  # the attacker's reasoning is sound...
        if shown == "< 5":
            assert len(values) > 1  # ...and never pins a suppressed count down


def _district_tables(engine: Engine, actor: Actor) -> list[tuple[str, list[str]]]:
    with session_scope(engine) as session:
        hoods = neighbourhood_indicator(session, "participants_reached", actor=actor)
        parent = dict(
            session.execute(
                select(TerritoryUnit.code, TerritoryUnit.parent_id).where(
                    TerritoryUnit.kind == UnitKind.NEIGHBOURHOOD.value
                )
            ).all()
        )
        district_code = dict(
            session.execute(
                select(TerritoryUnit.id, TerritoryUnit.code).where(
                    TerritoryUnit.kind == UnitKind.DISTRICT.value
                )
            ).all()
        )
        table = evaluation.district_figures(session, actor=actor)
    totals = table.iloc[:, -1]
    result = []
    for code, total in totals.items():
        parts = [hoods.texts[h] for h, p in parent.items() if district_code.get(p) == code]
        result.append((str(total), parts))
    return result


@pytest.mark.parametrize("actor", [VIEWER, MOTOR], ids=["district_viewer", "motor_group"])
def test_no_suppressed_neighbourhood_is_recovered_from_home_and_map(
    demo_engine: Engine, actor: Actor
) -> None:
    suppressed_parts = 0
    for total, parts in _district_tables(demo_engine, actor):
        for shown, values in zip(parts, feasible_values(parts, total), strict=True):
            if shown == "< 5":
                suppressed_parts += 1
                assert len(values) != 1, (total, parts)
    assert suppressed_parts > 0, "the demo should have suppressed neighbourhoods to attack"


def test_the_city_total_does_not_give_away_a_district(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        figures = {f.key: f.shown for f in evaluation.home_figures(session, actor=VIEWER)}
        table = evaluation.district_figures(session, actor=VIEWER)
    parts = [str(v) for v in table.iloc[:, -1]]
    attacked = feasible_values(parts, figures["participants_reached"])
    for shown, values in zip(parts, attacked, strict=True):
        if shown == "< 5":
            assert len(values) != 1
    # every shown count is a multiple of 5 (or suppressed) for an aggregate-only role
    assert all(p == "< 5" or int(p.replace("\u202f", "")) % 5 == 0 for p in parts)
