"""Setting up a street: its communities and grids, their workers, retiring a grid, and the first run."""
