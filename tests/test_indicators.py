from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine, text

from community_map.errors import ValidationError
from community_map.storage import session_scope
from community_map.territory.indicators import neighbourhood_indicator


def test_assets_per_10k_residents_matches_a_direct_count(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        result = neighbourhood_indicator(session, "assets_per_10k", category="library")
        code, population, libraries = session.execute(
            text(
                "SELECT u.code, u.population, COUNT(a.id) FROM territory_units u "
                "JOIN assets a ON a.neighbourhood_id = u.id AND a.category_code = 'library' "
                "WHERE u.kind = 'neighbourhood' GROUP BY u.code, u.population "
                "ORDER BY COUNT(a.id) DESC LIMIT 1"
            )
        ).one()
    assert result.values[code] == pytest.approx(libraries / population * 10_000, abs=0.01)
    assert len(result.values) == 73


def test_participants_reached_suppresses_small_counts(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        result = neighbourhood_indicator(session, "participants_reached", threshold=5)
        raw = dict(
            session.execute(
                text(
                    "SELECT u.code, COUNT(DISTINCT a.participant_id) FROM attendance a "
                    "JOIN participants p ON p.id = a.participant_id "
                    "JOIN territory_units u ON u.id = p.neighbourhood_id "
                    "WHERE a.status = 'attended' GROUP BY u.code"
                )
            ).all()
        )
    small = [c for c, n in raw.items() if 0 < n < 5]
    assert small, "the demo should have some small neighbourhood counts"
    for code in small:
        assert np.isnan(result.values[code]) and result.texts[code] == "< 5"
    big = next(c for c, n in raw.items() if n >= 5)
    assert result.values[big] == raw[big] and result.texts[big] == str(raw[big])


def test_sessions_held_by_venue(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        result = neighbourhood_indicator(session, "sessions_held")
        held = session.execute(text("SELECT COUNT(*) FROM sessions WHERE status = 'held'")).scalar()
    assert result.values.sum() == held


def test_bad_indicator_requests(demo_engine: Engine) -> None:
    with session_scope(demo_engine) as session:
        with pytest.raises(ValidationError, match="Unknown indicator"):
            neighbourhood_indicator(session, "happiness")
        with pytest.raises(ValidationError, match="category"):
            neighbourhood_indicator(session, "assets_per_10k")
