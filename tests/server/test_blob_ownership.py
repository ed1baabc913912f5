"""A photo belongs to whoever uploaded its bytes and to the records they put it on: knowing its hash
gives no one a way to read it, and an upload does not tell whether the server already has it."""

from __future__ import annotations

import pytest

from server.auth.operations import create_user
from server.cases.models import Finding
from server.extensions import db
from tests.conftest import PASSWORD
from tests.pulls import pull_until
from tests.server.test_blobs import assert_error, fetch, jpeg, png, put, sha, sign_in

VISIT = {"visited_at": "2026-11-22T15:00:00Z", "method": "in_person", "outcome": "issue_found"}


def finding(grid, photos) -> dict:
    return {"grid_id": grid.id, "category": "safety_plaster", "description": "楼道堆物",
            "reported_at": "2026-11-22T15:00:00Z", "photos": photos}


def far_worker(world) -> None:
    create_user("far_worker", PASSWORD, "钱网格", "grid_worker", [world.far_grid.id])
    db.session.commit()


def strangers_photo(world, device_factory, upload: bool = True) -> str:
    """A visit photo of grid 1, taken and uploaded by its worker."""
    phone = device_factory("worker")
    pull_until(phone)
    digest = phone.attach(png(5, 4))
    phone.create("visit", {**VISIT, "household_id": world.households[0].id, "photos": [digest]})
    assert [r["status"] for r in phone.push()] == ["accepted"]
    if upload:
        assert phone.upload_blobs() == 1
    return digest


ATTACKERS = [("volunteer", 0), ("worker_b", 1), ("far_worker", None)]


@pytest.mark.parametrize("attacker, grid", ATTACKERS)
def test_listing_a_strangers_photo_hash_is_refused_and_does_not_open_it(app, world, device_factory, attacker, grid):
    far_worker(world)
    digest = strangers_photo(world, device_factory)
    phone = device_factory(attacker)
    pull_until(phone)
    target = world.grids[grid] if grid is not None else world.far_grid
    record_id = phone.create("finding", finding(target, [digest]))
    [result] = phone.push()
    assert result["status"] == "rejected" and result["code"] == "blob_not_yours", result
    assert result["message"] and result["message_en"]
    assert list(result["fields"]) == ["photos.0"] and result["fields"]["photos.0"]["code"] == "blob_not_yours"
    db.session.rollback()
    assert db.session.get(Finding, record_id) is None
    assert_error(fetch(app, sign_in(app, attacker), digest), 404, "not_found")


@pytest.mark.parametrize("attacker, grid", ATTACKERS)
def test_a_hash_listed_before_its_photo_arrives_opens_nothing_once_it_does(app, world, device_factory, attacker, grid):
    """The phone pushes a record before its photo, so the server accepts a hash it has not seen;
    the claim counts only if the same user uploads the bytes."""
    far_worker(world)
    owner = device_factory("worker")
    pull_until(owner)
    digest = owner.attach(png(6, 2))
    owner.create("visit", {**VISIT, "household_id": world.households[0].id, "photos": [digest]})
    assert [r["status"] for r in owner.push()] == ["accepted"]

    phone = device_factory(attacker)
    pull_until(phone)
    target = world.grids[grid] if grid is not None else world.far_grid
    phone.create("finding", finding(target, [digest]))
    assert [r["status"] for r in phone.push()] == ["accepted"]
    assert owner.upload_blobs() == 1
    assert_error(fetch(app, sign_in(app, attacker), digest), 404, "not_found")
    # Those who may see the attacker's finding see no photo through it either.
    assert_error(fetch(app, sign_in(app, "far_staff" if grid is None else "worker_b" if grid == 1 else "volunteer"),
                       digest), 404, "not_found")
    # Uploading junk under the hash gains nothing; the attacker's own real upload would be theirs.
    assert_error(put(app, sign_in(app, attacker), digest, b"\xff\xd8\xff junk"), 400, "blob_hash_mismatch")
    assert_error(fetch(app, sign_in(app, attacker), digest), 404, "not_found")


def test_uploading_to_a_hash_the_server_has_answers_as_for_a_new_one(app, world, device_factory):
    digest = strangers_photo(world, device_factory)
    prying = sign_in(app, "worker_b")
    junk = b"\x89PNG\r\n\x1a\n not the photo"
    known, unknown = put(app, prying, digest, junk), put(app, prying, sha(b"never uploaded"), junk)
    assert known.status_code == unknown.status_code == 400
    assert known.get_json() == unknown.get_json()
    assert known.get_json()["code"] == "blob_hash_mismatch"
    for empty in (put(app, prying, digest, b""), put(app, prying, sha(b"never uploaded"), b"")):
        assert_error(empty, 400, "blob_empty")
    assert_error(fetch(app, prying, digest), 404, "not_found")


def test_whoever_uploads_the_real_bytes_holds_the_photo(app, world, device_factory):
    digest = strangers_photo(world, device_factory, upload=False)
    mine = sign_in(app, "worker")
    first = put(app, mine, digest, png(5, 4))
    other = sign_in(app, "worker_b")
    again = put(app, other, digest, png(5, 4))
    assert again.status_code == first.status_code == 200 and again.get_json() == first.get_json()
    assert fetch(app, other, digest).status_code == 200
    # ...and may attach it to a record of their own grid.
    phone = device_factory("worker_b")
    pull_until(phone)
    phone.create("finding", finding(world.grids[1], [digest]))
    assert [r["status"] for r in phone.push()] == ["accepted"]


def test_a_colleague_may_reuse_a_photo_already_on_a_record_of_their_grid(app, world, device_factory):
    from server.blobs.models import BlobAttachment
    digest = strangers_photo(world, device_factory)
    colleague = device_factory("worker2")
    pull_until(colleague)
    fid = colleague.create("finding", finding(world.grids[0], [digest]))
    assert [r["status"] for r in colleague.push()] == ["accepted"]
    db.session.rollback()
    link = db.session.get(BlobAttachment, (digest, "finding", fid))
    assert link.vouched and link.attached_by == world.users["worker2"].id
    # Staff of the community see it through either record.
    assert fetch(app, sign_in(app, "staff"), digest).status_code == 200


def test_the_uploader_may_list_a_photo_on_several_records_before_and_after_uploading(app, world, device_factory):
    phone = device_factory("worker")
    pull_until(phone)
    digest = phone.attach(jpeg())
    phone.create("visit", {**VISIT, "household_id": world.households[0].id, "photos": [digest]})
    phone.create("finding", finding(world.grids[0], [digest]))
    assert [r["status"] for r in phone.push()] == ["accepted", "accepted"]
    assert phone.upload_blobs() == 1
    phone.create("finding", finding(world.grids[0], [digest]))
    assert [r["status"] for r in phone.push()] == ["accepted"]
    for username in ("worker2", "staff", "admin"):
        assert fetch(app, sign_in(app, username), digest).status_code == 200, username


def test_a_photo_taken_off_a_record_is_no_longer_shown_through_it(app, world, device_factory):
    phone = device_factory("worker")
    pull_until(phone)
    digest = phone.attach(png(2, 3))
    fid = phone.create("finding", finding(world.grids[0], [digest]))
    phone.push()
    phone.upload_blobs()
    staff = sign_in(app, "staff")
    assert fetch(app, staff, digest).status_code == 200
    phone.update("finding", fid, {"photos": []})
    assert [r["status"] for r in phone.push()] == ["accepted"]
    assert_error(fetch(app, staff, digest), 404, "not_found")
    assert fetch(app, sign_in(app, "worker"), digest).status_code == 200  # still the uploader's
