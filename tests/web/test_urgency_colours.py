"""The stay bars' urgency colours, read from the stylesheet: WCAG AA contrast for the words
(4.5:1) and for the bars' fill against their track (3:1, a graphical object)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parents[2] / "housing_service" / "static" / "site.css").read_text()
VARIABLES = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS))


def _colour(value: str) -> str:
    value = value.strip()
    found = re.fullmatch(r"var\(--([\w-]+)\)", value)
    return VARIABLES[found.group(1)] if found else value


def _declarations(selector: str) -> dict[str, str]:
    """The declarations of the rule whose selector list includes `selector` exactly."""
    merged: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", CSS):
        if selector in (part.strip() for part in selectors.split(",")):
            merged.update(
                (name.strip(), value.strip()) for name, value in re.findall(r"([\w-]+):([^;]+)", body)
            )
    assert merged, f"no rule for {selector}"
    return merged


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("level", ["past-end", "urgent", "soon", "on-track"])
def test_each_urgency_word_is_readable_on_its_own_background(level):
    rule = _declarations(f".urgency--{level}")
    assert contrast(_colour(rule["color"]), _colour(rule["background"])) >= 4.5


@pytest.mark.parametrize("level", ["past-end", "urgent", "soon", "on-track"])
def test_each_bar_fill_stands_out_from_its_track(level):
    fill = _colour(_declarations(f".stay-bar--{level} meter::-webkit-meter-optimum-value")["background"])
    assert fill == _colour(_declarations(f".stay-bar--{level} meter::-moz-meter-bar")["background"])
    track = _colour(_declarations("meter::-webkit-meter-bar")["background"])
    assert contrast(fill, track) >= 3


def test_the_colours_differ_by_urgency_so_they_repeat_the_words():
    fills = {
        level: _declarations(f".stay-bar--{level} meter::-moz-meter-bar")["background"]
        for level in ("urgent", "soon", "on-track")
    }
    assert len(set(fills.values())) == 3
