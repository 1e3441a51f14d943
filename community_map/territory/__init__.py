"""Territory: boundaries, assets and their taxonomy, maps and coverage."""
