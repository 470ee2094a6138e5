"""Every answer that shows survivors' records leaves an audit row, whatever its status."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from housing_service.extensions import db
from housing_service.models import AuditEvent, Flag, FlagKind

from .coalition import CASE_MANAGER, NOW, PARTNER_OWN, Coalition
from .conftest import signed_in


def _reads(app: Flask, world: Coalition, role: str) -> list[dict[str, Any]]:
    """The details of every read of survivors' records by `role`, oldest first."""
    with app.app_context():
        rows = db.session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.actor_id == world.users[role].id,
                AuditEvent.action.in_(("client.read", "client.list")),
            )
            .order_by(AuditEvent.id)
        ).all()
        return [{"action": row.action, **row.details} for row in rows]


def _read_ids(app: Flask, world: Coalition, role: str, via: str | None = None) -> set[int]:
    return {
        client_id
        for read in _reads(app, world, role)
        if via is None or read.get("via") == via
        for client_id in read["ids"]
    }


def test_the_caseloads_suggestions_are_audited(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, CASE_MANAGER).get("/api/v1/suggestions")
    assert response.status_code == 200
    assert coalition.client_codes["a"] in response.get_data(as_text=True)
    assert coalition["client_a"] in _read_ids(app, coalition, CASE_MANAGER, via="suggestions")


def test_the_flags_list_is_audited_for_case_teams(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, CASE_MANAGER).get("/api/v1/flags")
    assert response.status_code == 200
    assert coalition.client_codes["a"] in response.get_data(as_text=True)
    assert coalition["client_a"] in _read_ids(app, coalition, CASE_MANAGER, via="flags")


def test_the_flags_list_is_audited_for_site_staff(app: Flask, coalition: Coalition):
    # The coalition's flag (nearing its end) is the case team's: one the site's staff act on.
    with app.app_context():
        db.session.add(
            Flag(
                key="over:current",
                kind=FlagKind.OVER_LIMIT,
                client_id=coalition["client_a"],
                placement_id=coalition["current_stay"],
                site_id=coalition["own_secret_site"],
                raised_at=NOW,
            )
        )
        db.session.commit()
    response = signed_in(app, coalition, PARTNER_OWN).get("/api/v1/flags")
    assert response.status_code == 200
    assert coalition.client_codes["a"] in response.get_data(as_text=True)
    assert coalition["client_a"] in _read_ids(app, coalition, PARTNER_OWN, via="flags")


def test_a_refused_bed_search_that_still_lists_the_caseload_is_audited(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, CASE_MANAGER).get("/beds?adults=abc&searched=1")
    assert response.status_code == 422
    assert coalition.client_codes["a"] in response.get_data(as_text=True)
    assert coalition["client_a"] in _read_ids(app, coalition, CASE_MANAGER)


def test_a_site_page_naming_who_is_in_each_bed_is_audited(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, PARTNER_OWN).get(f"/my-sites/{coalition['own_secret_site']}")
    assert response.status_code == 200
    assert coalition.client_codes["a"] in response.get_data(as_text=True)
    assert coalition["client_a"] in _read_ids(app, coalition, PARTNER_OWN, via="site_spaces")


def test_the_caseload_page_is_audited(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, CASE_MANAGER).get("/caseload")
    assert response.status_code == 200
    assert coalition["client_a"] in _read_ids(app, coalition, CASE_MANAGER)


def test_an_answer_that_shows_no_record_leaves_no_read(app: Flask, coalition: Coalition):
    response = signed_in(app, coalition, CASE_MANAGER).get(f"/api/v1/clients/{coalition['client_c']}")
    assert response.status_code == 404
    assert _reads(app, coalition, CASE_MANAGER) == []


def test_a_refusal_after_the_record_was_looked_up_is_not_a_read(app: Flask, coalition: Coalition):
    # Site staff may see the stay, not its suggestions: the stay is found, then refused.
    response = signed_in(app, coalition, PARTNER_OWN).get(
        f"/api/v1/placements/{coalition['current_stay']}/suggestions"
    )
    assert response.status_code == 403
    assert _reads(app, coalition, PARTNER_OWN) == []
