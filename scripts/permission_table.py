"""Print the README's permission matrix (role x permission) from the one in the package.

Usage: python scripts/permission_table.py  (paste the output under README's "Permissions").
"""

from __future__ import annotations

from community_map.models import Role
from community_map.trust import permission_matrix


def main() -> None:
    roles = [r.value for r in Role]
    print("| permission | what it allows | " + " | ".join(roles) + " |")
    print("| --- | --- | " + " | ".join("---" for _ in roles) + " |")
    for row in permission_matrix():
        cells = " | ".join(row[r] for r in roles)
        print(f"| `{row['permission']}` | {row['what']} | {cells} |")


if __name__ == "__main__":
    main()
