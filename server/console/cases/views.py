"""Cases (事件处置): the community's findings as cases, filtered by stage, category, grid, level,
source and overdue.

The case page and its step forms live in detail.py, its printed dispatch sheet in sheet.py,
what each step must carry in steps.py, the deadline table in deadlines.py, photos in photos.py and the SQL
of this list in queries.py.
"""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for

from ...cases.workflow import LEVELS, STATUSES
from ...core.choices import codes
from . import deadlines, detail, escalation, intake, photos, requester, sheet  # noqa: F401  (their routes)
from . import labels
from ..blueprint import bp
from .. import searches
from .queries import (DUE_SOON_HOURS, OPEN, cases_page, categories_by_id, category_tree, numbered_case,
                      read_filters)


@bp.route("/cases", methods=["GET", "POST"])
def cases():
    categories = categories_by_id(community_id=g.scope.community.id if g.scope.community else None)
    f = read_filters(searches.filters("cases"), g.scope, categories)
    if request.method == "POST":  # the search text is in the session now; the URL keeps the rest
        numbered = numbered_case(f.q, g.scope)
        if numbered is not None:  # a full case number names one case: open it
            return redirect(url_for("console.cases_detail", finding_id=numbered.id), 303)
        return redirect(url_for("console.cases", **f.params()), 303)
    page = cases_page(f, g.scope, categories)
    return render_template(
        "console/cases/list.html", f=f, page=page, tree=category_tree(categories), statuses=STATUSES,
        open_stage=OPEN, levels=LEVELS, sources=codes("source"), labels=labels, due_soon=DUE_SOON_HOURS)
