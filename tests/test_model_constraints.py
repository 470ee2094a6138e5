"""The database itself refuses impossible records, whatever code writes them."""

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from housing_service.extensions import db
from housing_service.models import Role
from housing_service.vocabulary import SpaceKind, Tier


def _refused(app, statement: str, **params) -> bool:
    with app.app_context():
        try:
            with db.engine.begin() as connection:
                connection.execute(text(statement), params)
        except IntegrityError:
            return True
    return False


def test_a_bed_sleeps_exactly_one(app, make):
    site = make.site()
    assert _refused(
        app,
        "INSERT INTO spaces (site_id, label, kind, capacity, features, in_service, created_at) "
        "VALUES (:s, 'B', 'bed', 2, 0, true, CURRENT_TIMESTAMP)",
        s=site.id,
    )


def test_capacity_can_not_be_zero(app, make):
    site = make.site()
    assert _refused(
        app,
        "INSERT INTO spaces (site_id, label, kind, capacity, features, in_service, created_at) "
        "VALUES (:s, 'U', 'unit', 0, 0, true, CURRENT_TIMESTAMP)",
        s=site.id,
    )


def test_out_of_service_needs_a_reason(app, make):
    site = make.site()
    assert _refused(
        app,
        "INSERT INTO spaces (site_id, label, kind, capacity, features, in_service, created_at) "
        "VALUES (:s, 'B', 'bed', 1, 0, false, CURRENT_TIMESTAMP)",
        s=site.id,
    )


def test_labels_are_unique_within_a_site(app, make):
    site = make.site()
    make.space(site, label="Bed 1")
    with pytest.raises(IntegrityError):
        make.space(site, label="Bed 1")
    make.space(make.site(), label="Bed 1")  # another site may use the same label


def test_hud_project_type_must_fit_the_tier(make):
    with pytest.raises(IntegrityError):
        make.site(tier=Tier.TRANSITIONAL, hud_project_type=0)


def test_long_term_housing_has_no_stay_limit(make):
    with pytest.raises(IntegrityError):
        make.site(tier=Tier.LONG_TERM, stay_limit_days=300)
    with pytest.raises(IntegrityError):
        make.site(tier=Tier.EMERGENCY, stay_limit_days=0)


def test_a_partner_account_belongs_to_an_organisation(app, make):
    assert _refused(
        app,
        "INSERT INTO users (email, display_name, role, password_hash, active, session_version, created_at, "
        "password_changed_at) "
        "VALUES ('p@x.org', 'P', 'partner', 'h', true, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    )


def test_enum_columns_refuse_unknown_values(app, make):
    site = make.site()
    assert _refused(
        app,
        "INSERT INTO spaces (site_id, label, kind, capacity, features, in_service, created_at) "
        "VALUES (:s, 'X', 'sofa', 1, 0, true, CURRENT_TIMESTAMP)",
        s=site.id,
    )


def test_two_active_bookings_of_one_space_can_not_overlap(app, make):
    site = make.site()
    space = make.space(site, kind=SpaceKind.BED)
    first, second = make.client(), make.client()
    insert = (
        "INSERT INTO bookings (space_id, client_id, starts_on, ends_on, active) "
        "VALUES (:s, :c, :a, :b, :active)"
    )
    assert not _refused(
        app, insert, s=space.id, c=first.id, a=date(2030, 1, 1), b=date(2030, 1, 10), active=True
    )
    # overlapping by one night
    assert _refused(
        app, insert, s=space.id, c=second.id, a=date(2030, 1, 9), b=date(2030, 1, 20), active=True
    )
    # open-ended overlapping
    assert _refused(app, insert, s=space.id, c=second.id, a=date(2029, 12, 1), b=None, active=True)
    # back to back is fine: the first stay's last night is 9 January
    assert not _refused(
        app, insert, s=space.id, c=second.id, a=date(2030, 1, 10), b=date(2030, 1, 12), active=True
    )
    # a released hold (inactive) claims nothing
    assert not _refused(
        app, insert, s=space.id, c=second.id, a=date(2030, 1, 2), b=date(2030, 1, 3), active=False
    )
    # moving a booking onto another's nights is refused too
    assert _refused(
        app, "UPDATE bookings SET ends_on = :b WHERE starts_on = :a", a=date(2030, 1, 1), b=date(2030, 1, 11)
    )


def test_audit_events_can_not_be_changed_or_deleted(app, make):
    assert not _refused(
        app,
        "INSERT INTO audit_events (occurred_at, action, record_type, details, previous_hash, entry_hash) "
        "VALUES (CURRENT_TIMESTAMP, 'x', 'y', '{}', 'p', 'h')",
    )
    with app.app_context():
        for statement in ("UPDATE audit_events SET action = 'z'", "DELETE FROM audit_events"):
            with pytest.raises(Exception, match="append-only"), db.engine.begin() as connection:
                connection.execute(text(statement))


def test_factories_make_partners_with_an_organisation(make):
    partner = make.user(Role.PARTNER)
    assert partner.organisation_id is not None
