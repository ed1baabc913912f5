"""Photos on the case pages: after-photos staff upload keep no location, and a photo is shown only
to staff of the community whose records legitimately show it."""

from __future__ import annotations

import hashlib
import io

from server.auth.operations import create_user
from server.blobs.models import Blob
from server.cases.models import CaseStep
from server.extensions import db
from tests.conftest import PASSWORD
from tests.console.cases_helpers import ok, refused, report, step
from tests.server.test_blob_images import Image, camera_photo
from tests.server.test_blobs import Fetched, pixels, png


def resolved_case(world, staff, device_factory) -> str:
    fid = report(device_factory("worker"), world.grids[0])
    for a, b in (("reported", "accepted"), ("accepted", "in_progress")):
        ok(step(staff, fid, a, b), fid)
    return fid


def test_after_photos_uploaded_with_the_result_are_stripped_and_shown_to_staff(world, staff_client, device_factory):
    staff = staff_client("staff")
    fid = resolved_case(world, staff, device_factory)
    reply = staff.post(f"/console/cases/{fid}/steps", {
        "from_status": "in_progress", "to_status": "resolved",
        "photo": [(io.BytesIO(camera_photo(orientation=6)), "after.jpg"), (io.BytesIO(png(3, 3)), "after.png")],
    }, htmx=True)
    ok(reply, fid)
    [result] = db.session.scalars(db.select(CaseStep).where(CaseStep.to_status == "resolved")).all()
    assert len(result.photos) == 2 and result.opinion is None  # photos alone are a result
    blob = db.session.get(Blob, result.photos[0])
    assert (blob.content_type, blob.device_id, blob.uploaded_by) == ("image/jpeg", None, world.users["staff"].id)
    served = Fetched(staff.get(f"/console/photos/{result.photos[0]}"))
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    # Named by the file staff chose, like a phone's photo; what is kept is re-encoded without metadata.
    assert result.photos[0] == hashlib.sha256(camera_photo(orientation=6)).hexdigest()
    assert b"SECRET-MAKER" not in served.data and b"Exif" not in served.data
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (20, 40) and not image.getexif()  # upright, and nothing else kept
    page = staff.get(f"/console/cases/{fid}").text
    assert f"/console/photos/{result.photos[0]}" in page

    far = staff_client("far_staff")
    assert far.get(f"/console/photos/{result.photos[0]}").status_code == 404
    assert staff.get("/console/photos/" + "0" * 64).status_code == 404
    assert staff.get("/console/photos/not-a-hash").status_code == 404


def test_a_photo_the_phone_took_is_shown_on_the_case_page(world, staff_client, device_factory):
    worker = device_factory("worker")
    picture = png(4, 4)
    sha = worker.attach(picture)
    fid = report(worker, world.grids[0], photos=[sha])
    assert worker.upload_blobs() == 1
    staff = staff_client("staff")
    assert f"/console/photos/{sha}" in staff.get(f"/console/cases/{fid}").text
    assert pixels(Fetched(staff.get(f"/console/photos/{sha}")).data) == ("JPEG", (4, 4))
    assert staff_client("far_staff").get(f"/console/photos/{sha}").status_code == 404


def test_an_upload_that_is_not_a_photo_is_refused(world, staff_client, device_factory):
    staff = staff_client("staff")
    fid = resolved_case(world, staff, device_factory)
    reply = staff.post(f"/console/cases/{fid}/steps", {
        "from_status": "in_progress", "to_status": "resolved", "opinion": "已修复",
        "photo": [(io.BytesIO(b"%PDF-1.4 not a photo"), "report.pdf")]}, htmx=True)
    assert refused(reply) == (415, "blob_type_not_allowed")
    reply = staff.post(f"/console/cases/{fid}/steps", {
        "from_status": "in_progress", "to_status": "resolved", "opinion": "已修复",
        "photo": [(io.BytesIO(b"\xff\xd8\xff\xe1\x00"), "broken.jpg")]}, htmx=True)
    assert refused(reply) == (415, "blob_not_an_image")
    assert db.session.scalar(db.select(db.func.count()).select_from(Blob)) == 0


def test_another_communitys_staff_do_not_see_a_photo_listed_on_a_finding_of_theirs(world, staff_client, device_factory):
    """A worker of the other community lists a stranger's photo hash on a finding there (pushed
    before the photo arrives, as a phone does); once the photo is uploaded, that finding's staff
    still cannot open it, while the photo's own community can."""
    create_user("far_worker", PASSWORD, "钱网格", "grid_worker", [world.far_grid.id])
    db.session.commit()
    owner = device_factory("worker")
    sha = owner.attach(png(4, 4))
    fid = report(owner, world.grids[0], photos=[sha])
    far_fid = report(device_factory("far_worker"), world.far_grid, photos=[sha])
    assert owner.upload_blobs() == 1
    far = staff_client("far_staff")
    assert far.get(f"/console/cases/{far_fid}").status_code == 200
    assert far.get(f"/console/photos/{sha}").status_code == 404
    staff = staff_client("staff")
    assert f"/console/photos/{sha}" in staff.get(f"/console/cases/{fid}").text
    assert Fetched(staff.get(f"/console/photos/{sha}")).status_code == 200
