"""``python -m community_map.cli``: the ``community-map`` command."""

from __future__ import annotations

from community_map.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    raise SystemExit(main())
