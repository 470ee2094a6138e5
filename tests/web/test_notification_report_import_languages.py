"""The notifications, webhooks, reports and import pages, and the import's refusals and
plans, in Spanish and Vietnamese (issue 18); English stays the default (the pages' own tests)."""

from __future__ import annotations

import io
import re

import pytest

from housing_service.models import Role

from ..directory.helpers import inventory_csv, site_row
from .world import text_of

pytestmark = pytest.mark.usefixtures("frozen_clock")

SPANISH = {"Accept-Language": "es"}
VIETNAMESE = {"Accept-Language": "vi"}


def test_notification_choices_and_webhooks_speak_the_readers_language(pages, make, world):
    me = pages(world.case_manager)
    spanish = text_of(me.get("/account/notifications", headers=SPANISH))
    assert "<h1>Avisos</h1>" in spanish
    assert "Guardar mis preferencias" in spanish and "Horas de silencio (opcional)" in spanish
    refused = me.post("/account/notifications", {"quiet_from": "late"}, headers=VIETNAMESE)
    assert refused.status_code == 422 and "Hãy nhập giờ, ví dụ 22:00." in text_of(refused)

    admin = pages(make.user(Role.ADMIN))
    webhooks = text_of(admin.get("/admin/webhooks", headers=VIETNAMESE))
    assert "Webhook cho hệ thống đối tác" in webhooks and "Thêm webhook này" in webhooks
    refused = admin.post(
        "/admin/webhooks",
        {"name": "211", "url": "http://example.org/hooks", "events": "availability_changed"},
        headers=SPANISH,
    )
    assert "Use una dirección https://." in text_of(refused)


def test_reports_page_and_its_refusals_speak_the_readers_language(pages, world):
    me = pages(world.admin)
    index = text_of(me.get("/reports", headers=SPANISH))
    assert "Conteo en un momento dado" in index and "Descargar la exportación" in index
    refused = me.get("/reports/outcomes?from=2020-13-01", headers=VIETNAMESE)
    assert refused.status_code == 422 and "Hãy nhập ngày theo dạng YYYY-MM-DD." in text_of(refused)


def test_an_inventory_dry_run_and_its_refusals_speak_the_readers_language(pages, make):
    admin = pages(make.user(Role.ADMIN))
    assert "Importar sitios, camas y unidades" in text_of(admin.get("/inventory-import", headers=SPANISH))
    content = inventory_csv([site_row(), site_row(site="Bay House", beds="4", units="0", unit_capacity="")])
    checked = admin.post(
        "/inventory-import/dry-run", {"file": (io.BytesIO(content), "inventory.csv")}, headers=SPANISH
    )
    # Counted phrases agree with their numbers in each language.
    assert re.search(r"Se crearán: 2 sitios, 14 camas y 2 unidades", text_of(checked))
    empty = admin.post("/inventory-import/dry-run", {"file": (io.BytesIO(b""), "x.csv")}, headers=VIETNAMESE)
    assert empty.status_code == 422 and "x.csv trống." in text_of(empty)
    hsds = text_of(admin.get("/directory-import", headers=VIETNAMESE))
    assert "Nhập danh bạ 211 (HSDS 3.1)" in hsds and "Kiểm tra tài liệu" in hsds
