"""The actors of the demo accounts, as the web app holds them after a log-in.

The web app re-reads the account of the actor in its session state on every run, so a
test that puts an actor there must use a real account: its user id and user name.
"""

from __future__ import annotations

from community_map.demo import DEMO_ACCOUNTS
from community_map.models import Role
from community_map.trust import Actor

__all__ = ["account_actor", "demo_actor"]


def demo_actor(role: Role) -> Actor:
    """The demo account of ``role`` (the demo creates them in DEMO_ACCOUNTS order, ids 1..6)."""
    for index, (username, _password, account_role) in enumerate(DEMO_ACCOUNTS, start=1):
        if account_role is role:
            return Actor(username=username, role=role, user_id=index)
    raise LookupError(role)


def account_actor(url: str, username: str) -> Actor:
    """The actor of the stored account ``username``, linked as the app links it at log-in."""
    from sqlalchemy import select

    from community_map import storage
    from community_map.models import User
    from community_map.trust import actor_from_user

    with storage.session_scope(storage.create_db_engine(url)) as s:
        user = s.scalar(select(User).where(User.username == username))
        assert user is not None, username
        return actor_from_user(user)
