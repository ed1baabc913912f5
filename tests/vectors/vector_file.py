"""The one way a generator writes its vector file, or checks that the checked-in one is current."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent


def render(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_or_check(argv: list[str], name: str, build: Callable[[], Any], script: str) -> int:
    """`--check` in argv: exit status 1 when tests/vectors/<name> differs from `build()`;
    otherwise rewrite it."""
    text = render(build())
    path = HERE / name
    if "--check" in argv:
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            print(f"stale vector file (run tests/vectors/{script}): {name}", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parents[1])}")
    return 0
