"""The README's walkthrough pictures: the ones the regeneration command writes, and small."""

from __future__ import annotations

import re

from tests.web.walkthrough_screens import MAX_PICTURE_BYTES, README_PICTURES, README_SHOTS, REPOSITORY

README = (REPOSITORY / "README.md").read_text(encoding="utf-8")


def test_the_readme_shows_the_pictures_the_walkthrough_writes():
    shown = set(re.findall(r"\]\(docs/screenshots/([^)]+)\)", README))
    assert shown == set(README_PICTURES.values())
    assert "python -m tests.web.walkthrough_screens" in README


def test_each_picture_is_a_small_png():
    for name in README_PICTURES.values():
        picture = README_SHOTS / name
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
        assert picture.stat().st_size < MAX_PICTURE_BYTES, f"{name}: {picture.stat().st_size} bytes"
