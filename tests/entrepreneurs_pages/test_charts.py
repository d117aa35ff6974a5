"""coodyssee.charts: SVG that parses, names itself for screen readers, writes numbers the French way."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation

from coodyssee.charts import Series, bar_line_chart, format_number

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return [element.text for element in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (7, "7"),
        (-2, "-2"),
        (1234567, "1\u00a0234\u00a0567"),
        (Decimal("-1234.5"), "-1\u00a0234,50"),
        (Decimal("979000.00"), "979\u00a0000"),
        (0.004, "0,00"),
        (-0.001, "0,00"),
    ],
)
def test_numbers_are_written_the_french_way(value, expected):
    assert format_number(value) == expected


def test_numbers_stay_french_whatever_the_active_language():
    with translation.override("en"):
        assert format_number(Decimal("1234.5")) == "1\u00a0234,50"


def test_headcount_chart_is_valid_accessible_svg():
    svg = bar_line_chart(
        MONTHS,
        [Series("Entrées", [3, 1, 1, 3, 2, 1, 1, 4, 1, 2, 0, 0]), Series("Sorties", [-2, 0, -1] + [0] * 9)],
        Series("Effectif", [85, 86, 86, 88, 90, 91, 91, 95, 95, 96, 95, 91]),
        title="Effectif 2017",
        bar_axis_label="Entrées et sorties",
        line_axis_label="Effectif",
        line_band=True,
        stacked=True,
        chart_id="effectif",
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 720 360"
    assert root.get("aria-labelledby") == "effectif-title effectif-desc"
    assert root.find(f"{SVG}title").text == "Effectif 2017"
    assert root.find(f"{SVG}desc").text.startswith("janv. : Entrées 3, Sorties -2, Effectif 85 ; févr.")
    labels = texts(root)
    for expected in [*MONTHS, "Entrées", "Sorties", "Effectif", "Entrées et sorties", "96", "-2", "4"]:
        assert expected in labels
    assert len(root.findall(f".//{SVG}polyline")) == 1
    assert len(root.findall(f".//{SVG}circle")) == 12 + 1  # one point a month, one in the legend


def test_zero_values_draw_no_bar_and_do_not_break_the_scale():
    root = parse(bar_line_chart(["a", "b"], [Series("Rien", [0, 0])], title="Zéros"))
    assert root.findall(f".//{SVG}g[@class='chart-bars']/{SVG}rect") == []
    assert "0" in texts(root)
    assert root.find(f"{SVG}desc").text == "a : Rien 0 ; b : Rien 0."


def test_negative_values_go_below_zero():
    root = parse(bar_line_chart(["a", "b"], [Series("Solde", [Decimal("-1500.25"), 300])], title="Solde"))
    rects = root.findall(f".//{SVG}g[@class='chart-bars']/{SVG}rect")
    zero = float(root.find(f".//{SVG}line[@class='chart-zero']").get("y1"))
    negative, positive = rects
    assert float(negative.get("y")) == pytest.approx(zero, abs=0.1)  # hangs from the zero line
    assert float(positive.get("y")) + float(positive.get("height")) == pytest.approx(zero, abs=0.1)
    assert negative.find(f"{SVG}title").text == "a — Solde : -1\u00a0500,25"
    assert "-1\u00a0500,25" in texts(root)


def test_missing_values_break_the_line():
    root = parse(bar_line_chart(["a", "b", "c", "d"], line=Series("Solde", [1, 2, None, 4]), title="Trou"))
    assert [p.get("points").count(",") for p in root.findall(f".//{SVG}polyline")] == [2]
    assert len(root.findall(f".//{SVG}g[@class='chart-line']/{SVG}circle")) == 3


def test_text_is_escaped():
    root = parse(bar_line_chart(["<b>&"], [Series("A & B", [1])], title="Ventes <2017> & co"))
    assert root.find(f"{SVG}title").text == "Ventes <2017> & co"
    assert "<b>&" in texts(root)


def test_every_series_needs_one_value_per_label():
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        bar_line_chart(["a", "b", "c"], [Series("A", [1, 2])], title="x")


def test_two_charts_on_a_page_get_distinct_ids():
    first, second = (bar_line_chart(["a"], [Series("A", [1])], title="x") for _ in range(2))
    assert parse(first).get("id") != parse(second).get("id")
