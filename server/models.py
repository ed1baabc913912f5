"""Imports every model so the metadata (and Alembic) sees all tables."""

from .areas.models import Area, Building  # noqa: F401
from .auth.models import Assignment, ConsoleSession, Device, LoginAttempt, User  # noqa: F401
from .blobs.models import Blob, BlobAttachment, BlobOwner  # noqa: F401
from .cases.models import CaseDeadline, CaseStep, Finding, FindingCategory  # noqa: F401
from .fieldwork.models import Visit  # noqa: F401
from .registry.models import CareTagType, Household, Resident, ResidentTag  # noqa: F401
from .units.models import Unit  # noqa: F401
from .syncapi.models import Change, Conflict, SyncDeparture, SyncRow  # noqa: F401
from .audit.models import AuditEntry  # noqa: F401
from .console.models import ConsoleJob  # noqa: F401
