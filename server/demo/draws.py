"""Weighted draws from the demo's one random stream."""

from __future__ import annotations

import random


def weighted(rng: random.Random, table) -> str:
    return rng.choices([v for v, *_ in table], weights=[w for _, w, *_ in table])[0]


def weighted_sample(rng: random.Random, items: list, weight, k: int) -> list:
    """k distinct items, heavier ones likelier (Efraimidis–Spirakis keys)."""
    keyed = sorted(items, key=lambda item: rng.random() ** (1.0 / weight(item)), reverse=True)
    return keyed[:k]
