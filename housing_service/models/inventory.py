"""What shelter partners and admins maintain: organisations, areas, sites, beds and units."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..db import Base, EnumSet, enum_type
from ..vocabulary import (
    AgeGroup,
    Gender,
    HouseholdType,
    ReferralMode,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)


class Organisation(Base):
    """A provider agency in the coalition."""

    __tablename__ = "organisations"
    # "Harbor Light" and "harbor light" are one agency.
    __table_args__ = (Index("uq_organisations_name_folded", func.lower(text("name")), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # HUD: a victim service provider keeps client data out of the community HMIS. Not one
    # unless said (a refugee-resettlement agency or a health clinic is not).
    victim_service_provider: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The key a coalition's own records (a spreadsheet, a 211 system) give it: re-imports match on it.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    # When set, the public directory lists one "confidential services: call this number"
    # service for the organisation; its confidential sites are never listed one by one.
    confidential_services_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    sites: Mapped[list[Site]] = relationship(back_populates="organisation", order_by="Site.name")


class Area(Base):
    """A county or city. Sites sit in one; survivors may need to avoid some for their safety."""

    __tablename__ = "areas"
    # One place, one area: a second "san francisco" would let a safety exclusion miss sites.
    __table_args__ = (Index("uq_areas_name_folded", func.lower(text("name")), unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Site(Base):
    """A housing programme at one location."""

    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        CheckConstraint(
            "(tier = 'emergency' AND hud_project_type IN (0, 1))"
            " OR (tier = 'transitional' AND hud_project_type = 2)"
            " OR (tier = 'long_term' AND hud_project_type IN (3, 9, 10, 13))",
            name="hud_project_type_fits_tier",
        ),
        CheckConstraint(
            "(tier = 'long_term' AND stay_limit_days IS NULL)"
            " OR (tier <> 'long_term' AND stay_limit_days >= 1)",
            name="stay_limit_fits_tier",
        ),
        CheckConstraint("hold_window_hours BETWEEN 1 AND 72", name="hold_window_hours_range"),
        CheckConstraint(
            "referral_response_minutes BETWEEN 5 AND 1440", name="referral_response_minutes_range"
        ),
        CheckConstraint(
            "(min_age IS NULL OR min_age BETWEEN 0 AND 120)"
            " AND (max_age IS NULL OR max_age BETWEEN 0 AND 120)"
            " AND (min_age IS NULL OR max_age IS NULL OR min_age <= max_age)",
            name="age_range_valid",
        ),
        # HUD project descriptor codes; the fields for beds of emergency shelter only there.
        CheckConstraint("geography_type IN (1, 2, 3, 99)", name="geography_type_code"),
        CheckConstraint("housing_type IN (1, 2, 3)", name="housing_type_code"),
        CheckConstraint("target_population IN (1, 3, 4)", name="target_population_code"),
        CheckConstraint("hmis_participation IN (0, 1, 2)", name="hmis_participation_code"),
        CheckConstraint(
            "(tier = 'emergency' AND (es_bed_type IS NULL OR es_bed_type IN (1, 2, 3))"
            " AND (bed_availability IS NULL OR bed_availability IN (1, 2, 3)))"
            " OR (es_bed_type IS NULL AND bed_availability IS NULL)",
            name="emergency_shelter_fields",
        ),
        CheckConstraint(
            "operating_end_on IS NULL OR operating_end_on >= operating_start_on", name="operating_dates_order"
        ),
        Index("ix_sites_tier_active", "tier", "active"),
        # The bed board lists the most recently confirmed sites first and stops at a page.
        Index(
            "ix_sites_board_order",
            text("availability_confirmed_at DESC NULLS LAST"),
            "name",
            "id",
            postgresql_where=text("active"),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)  # see Organisation
    tier: Mapped[Tier] = mapped_column(enum_type(Tier, "tier"))
    hud_project_type: Mapped[int] = mapped_column(Integer)
    stay_limit_days: Mapped[int | None] = mapped_column(Integer)
    hold_window_hours: Mapped[int] = mapped_column(Integer, default=4)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    # Screened: advocates send a referral; the site's staff answer it and call back, so the
    # service never has to send the address of the site.
    referral_mode: Mapped[ReferralMode] = mapped_column(
        enum_type(ReferralMode, "referral_mode"), default=ReferralMode.DIRECT
    )
    referral_response_minutes: Mapped[int] = mapped_column(Integer, default=30)
    # The address as one line, as pages show it: written from the parts below when they are
    # given (free text from before they existed otherwise). A confidential site's address,
    # in either form, reaches only the people who need it, and never an export.
    address: Mapped[str] = mapped_column(Text, default="")
    street_address: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))  # USPS code, e.g. CA
    postal_code: Mapped[str | None] = mapped_column(String(10))  # ZIP or ZIP+4
    # HUD project descriptor data (HMIS CSV Project, ProjectCoC, Inventory, HMISParticipation).
    coc_code: Mapped[str | None] = mapped_column(String(6))  # e.g. CA-501
    geocode: Mapped[str | None] = mapped_column(String(6))  # HUD's six-digit geographic code
    geography_type: Mapped[int | None] = mapped_column(Integer)  # GEOGRAPHY_TYPES
    housing_type: Mapped[int | None] = mapped_column(Integer)  # HOUSING_TYPES
    es_bed_type: Mapped[int | None] = mapped_column(Integer)  # ES_BED_TYPES, emergency shelter only
    bed_availability: Mapped[int | None] = mapped_column(Integer)  # BED_AVAILABILITY, emergency only
    target_population: Mapped[int] = mapped_column(Integer, default=4, server_default=text("4"))
    operating_start_on: Mapped[date | None] = mapped_column(Date)
    operating_end_on: Mapped[date | None] = mapped_column(Date)
    hmis_participation: Mapped[int | None] = mapped_column(Integer)  # HMIS_PARTICIPATION_TYPES
    households_served: Mapped[frozenset[HouseholdType]] = mapped_column(EnumSet(HouseholdType))
    genders_served: Mapped[frozenset[Gender]] = mapped_column(EnumSet(Gender))
    age_groups_served: Mapped[frozenset[AgeGroup]] = mapped_column(EnumSet(AgeGroup))
    # The ages in years the site may serve (its licence), e.g. 16 to 21; None: no bound that side.
    # A survivor whose age is known is matched on it; the age groups serve where it is not.
    min_age: Mapped[int | None] = mapped_column(Integer)
    max_age: Mapped[int | None] = mapped_column(Integer)
    accessibility_notes: Mapped[str] = mapped_column(Text, default="")
    pets_allowed: Mapped[bool] = mapped_column(Boolean, default=False)
    substance_use_policy: Mapped[SubstanceUsePolicy] = mapped_column(
        enum_type(SubstanceUsePolicy, "substance_use_policy")
    )
    intake_24_hours: Mapped[bool] = mapped_column(Boolean, default=False)
    intake_hours: Mapped[str] = mapped_column(String(200), default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    availability_confirmed_at: Mapped[datetime | None]
    availability_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    organisation: Mapped[Organisation] = relationship(back_populates="sites")
    area: Mapped[Area] = relationship()
    languages: Mapped[list[SiteLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="SiteLanguage.code"
    )
    spaces: Mapped[list[Space]] = relationship(back_populates="site", order_by="Space.label")
    funders: Mapped[list[SiteFunder]] = relationship(
        back_populates="site", cascade="all, delete-orphan", order_by="SiteFunder.id"
    )

    @property
    def language_codes(self) -> list[str]:
        return [language.code for language in self.languages]

    @property
    def screened(self) -> bool:
        return self.referral_mode == ReferralMode.SCREENED


class SiteFunder(Base):
    """A grant that pays for a site's programme (HMIS CSV Funder.csv)."""

    __tablename__ = "site_funders"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="funder_dates_order"),
        CheckConstraint(
            "funder <> 46 OR length(coalesce(other_funder, '')) > 0", name="other_funder_is_named"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    funder: Mapped[int] = mapped_column(Integer)  # FUNDERS
    other_funder: Mapped[str | None] = mapped_column(String(100))  # for 46, e.g. "CalOES"
    grant_id: Mapped[str | None] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    site: Mapped[Site] = relationship(back_populates="funders")


class SiteLanguage(Base):
    """A language the site's staff speak (ISO 639 code)."""

    __tablename__ = "site_languages"
    __table_args__ = (Index("ix_site_languages_code_site", "code", "site_id"),)

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(3), primary_key=True)


class Space(Base):
    """A bed (one person) or a unit (one household, up to its capacity)."""

    __tablename__ = "spaces"
    __table_args__ = (
        UniqueConstraint("site_id", "label"),
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("kind = 'unit' OR capacity = 1", name="bed_sleeps_one"),
        CheckConstraint(
            "in_service OR length(coalesce(out_of_service_reason, '')) > 0", name="out_of_service_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    label: Mapped[str] = mapped_column(String(60))
    kind: Mapped[SpaceKind] = mapped_column(enum_type(SpaceKind, "space_kind"))
    capacity: Mapped[int] = mapped_column(Integer, default=1)
    features: Mapped[frozenset[SpaceFeature]] = mapped_column(EnumSet(SpaceFeature), default=frozenset())
    in_service: Mapped[bool] = mapped_column(Boolean, default=True)
    out_of_service_reason: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    site: Mapped[Site] = relationship(back_populates="spaces")


class SpaceStatusChange(Base):
    """History of a space going in or out of service: who, when and why. Never overwritten."""

    __tablename__ = "space_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    in_service: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(300))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(default=clock.now)


class AvailabilityConfirmation(Base):
    """A partner confirming that a site's beds and units are as the board shows."""

    __tablename__ = "availability_confirmations"
    __table_args__ = (Index("ix_availability_confirmations_site_at", "site_id", "confirmed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime] = mapped_column(default=clock.now)
    changes: Mapped[int] = mapped_column(Integer, default=0)
