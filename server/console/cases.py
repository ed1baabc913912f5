"""Cases (事件处置): the community's findings as cases, filtered by stage, category, grid, level,
source and overdue.

The case page and its step forms live in cases_detail.py, what each step must carry in
cases_steps.py, the deadline table in cases_deadlines.py, photos in cases_photos.py and the SQL
of this list in cases_query.py.
"""

from __future__ import annotations

from flask import g, render_template, request

from ..cases.schemas import SOURCES
from ..cases.workflow import LEVELS, STATUSES
from . import cases_deadlines, cases_detail, cases_photos  # noqa: F401  (their routes)
from . import cases_labels as labels
from .blueprint import bp
from .cases_query import DUE_SOON_HOURS, OPEN, cases_page, categories_by_id, category_tree, read_filters


@bp.get("/cases")
def cases():
    categories = categories_by_id()
    f = read_filters(request.args, g.scope, categories)
    page = cases_page(f, g.scope, categories)
    return render_template(
        "console/cases/list.html", f=f, page=page, tree=category_tree(categories), statuses=STATUSES,
        open_stage=OPEN, levels=LEVELS, sources=SOURCES, labels=labels, due_soon=DUE_SOON_HOURS)
