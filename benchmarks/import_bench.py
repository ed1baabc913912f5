"""Setup import benchmark: rows per second when a community's 600 households are imported from
the households template (checked, then written through DirectWriter in committed chunks), as a
street's first load does; prints the figure and records it (benchmarks/results.py).

    make bench
    python -m benchmarks.import_bench --runs 3

Each run starts from a fresh SQLite database holding one community, two grids and 20 buildings
(imported from the buildings file first), so every run writes the same 600 new households.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import tempfile
import time

from benchmarks.results import record
from server import create_app
from server.areas.operations import add_area
from server.dictionaries import seed_dictionaries
from server.extensions import db
from server.imports.run import apply, preview
from server.syncapi.direct import DirectWriter
from tests.setup_files import BUILDING_HEADERS, HOUSEHOLD_HEADERS, book_bytes, buildings, households

ROWS = 600


def one_run() -> float:
    workdir = tempfile.mkdtemp(prefix="wangge-import-bench-")
    try:
        os.environ["WANGGE_INSTANCE"] = workdir
        app = create_app({"SECRET_KEY": secrets.token_urlsafe(48), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/b.db",
                          "BLOB_DIR": f"{workdir}/blobs"})
        with app.app_context():
            db.create_all()
            writer = DirectWriter(db.session, app.extensions["wangge_clock"], via="bench")
            seed_dictionaries(writer)
            street = add_area(writer, "street", "和平街道")
            community = add_area(writer, "community", "幸福社区", street, code="110105001001")
            for i in (1, 2):
                add_area(writer, "grid", f"第{i}网格", community)
            db.session.commit()
            blocks, homes = f"{workdir}/b.xlsx", f"{workdir}/h.xlsx"
            with open(blocks, "wb") as out:
                out.write(book_bytes(BUILDING_HEADERS, buildings(["第1网格", "第2网格"], 20)))
            with open(homes, "wb") as out:
                out.write(book_bytes(HOUSEHOLD_HEADERS, households(ROWS)))
            apply(preview(blocks, "buildings", community.id), "buildings", via="bench")
            started = time.perf_counter()
            results = preview(homes, "households", community.id)
            written = apply(results, "households", via="bench")
            seconds = time.perf_counter() - started
            assert written == ROWS, written
            db.session.remove()
        return ROWS / seconds
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rates = [one_run() for _ in range(args.runs)]
    rate = statistics.median(rates)
    print(f"import 600 households: {rate:.0f} rows/s (median of {args.runs})")
    record("import", [{"name": "import 600 households (check + write)", "value": round(rate, 1), "unit": "rows/s",
                       "better": "higher", "backend": "sqlite", "note": "issue 10: a street's first load"}])


if __name__ == "__main__":
    main()
