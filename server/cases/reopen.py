"""回头看: a resident who rates a closed case below satisfied sends it back to the community.

The server takes the reopen itself, right after the rating step, as a step of kind "reopen"
(rated → accepted) so the phones and the console show it in the case's history like any other
step; every earlier step stays. The case starts a new round: no unit holds it and no deadline
runs until the community dispatches it again.
"""

from __future__ import annotations

from sync.ids import uuid7

from ..core.time import utcnow
from .models import CaseStep, Finding
from .workflow import SATISFIED

OPINION = "评价不满意，回头看"


def needs_reopening(step: CaseStep) -> bool:
    return step.to_status == "rated" and step.kind is None and step.rating is not None and step.rating < SATISFIED


def reopen(ctx, finding: Finding, rating_step: CaseStep) -> CaseStep:
    """Write the reopen step and move the case back to "accepted", on behalf of the change's author."""
    step = CaseStep(id=uuid7(), finding_id=finding.id, grid_id=finding.grid_id, reporter_id=finding.reporter_id,
                    actor_id=rating_step.actor_id, from_status="rated", to_status="accepted", kind="reopen",
                    opinion=OPINION, photos=[], at=utcnow().replace(microsecond=0))
    ctx.server_put("case_step", step)
    ctx.server_write("finding", finding, {"status": "accepted", "reopened": (finding.reopened or 0) + 1,
                                       "unit": None, "level": None, "deadline_at": None,
                                       "handling_unit_id": None})
    return step
