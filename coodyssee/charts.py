"""Charts as server-side SVG strings: the same markup goes into HTML pages and WeasyPrint PDFs.

No JavaScript and no stylesheet: presentation attributes only, so a browser, WeasyPrint and a bare
image viewer draw it alike; the ``viewBox`` lets the chart shrink to its container (phones).
Numbers are written the French way (``1 234,56``, non-breaking space) whatever the active language,
because a PDF may be rendered by a Celery worker that never activated French.

Geometry is computed in floats: coordinates are pixels, never money. Values may be ``int``,
``Decimal`` or ``float``; ``None`` means "no value" (nothing drawn, the line is broken there).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.numberformat import format as _numberformat
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

Number = int | float | Decimal

PALETTE = ("#2d6a4f", "#9b2226", "#2f5d62", "#8a5a00", "#6a4c93", "#3d4a56")
LINE_COLOR = "#1d3557"
TEXT_COLOR = "#212529"
MUTED_COLOR = "#6c757d"
GRID_COLOR = "#dee2e6"
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
THOUSAND_SEPARATOR = "\u00a0"


def format_number(value: Number, decimals: int | None = None) -> str:
    """``1234.5`` → ``"1 234,50"``: French separators, grouping always on, never ``-0``.

    ``decimals`` defaults to 0 for whole numbers and 2 otherwise (amounts in euros).
    """
    number = Decimal(str(value))
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 2
    if number.quantize(Decimal(1).scaleb(-decimals)) == 0:
        number = abs(number)
    return _numberformat(
        number,
        decimal_sep=",",
        decimal_pos=decimals,
        grouping=3,
        thousand_sep=THOUSAND_SEPARATOR,
        force_grouping=True,
        use_l10n=False,
    )


@dataclass(frozen=True)
class Series:
    """One named row of values, one per label. ``color`` defaults to the palette, in order."""

    name: str
    values: Sequence[Number | None]
    color: str | None = None
    show_values: bool = True


@dataclass(frozen=True)
class _Axis:
    low: float
    high: float
    ticks: tuple[float, ...]


@dataclass(frozen=True)
class _Band:
    """A horizontal strip of the plot with its own scale; ``pad`` keeps room for value labels."""

    axis: _Axis
    top: float
    bottom: float
    pad: float

    def y(self, value: float) -> float:
        top, bottom = self.top + self.pad, self.bottom - self.pad
        return bottom - (value - self.axis.low) / (self.axis.high - self.axis.low) * (bottom - top)


def _nice_steps(raw: float, integer: bool) -> Iterator[float]:
    """Tick steps 1, 2, 2.5, 5 × 10ⁿ, increasing, from the first one ≥ ``raw``."""
    exponent = math.floor(math.log10(max(raw, 1e-9)))
    while True:
        for multiple in (1, 2, 2.5, 5):
            step = multiple * 10**exponent
            if step + 1e-12 >= raw and not (integer and (step < 1 or step != int(step))):
                yield step
        exponent += 1


def _axis(values: Sequence[float], *, include_zero: bool, integer: bool, intervals: int) -> _Axis:
    """A "nice" axis covering ``values`` in about ``intervals`` steps."""
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    if include_zero:
        low, high = min(low, 0.0), max(high, 0.0)
    if low == high:
        low, high = (low, low + 1) if include_zero and low >= 0 else (low - 1, high + 1)
        if include_zero and high > 0 > low:
            low = min(low, 0.0)
    step = next(_nice_steps((high - low) / intervals, integer))
    start = math.floor(low / step + 1e-9) * step
    count = max(math.ceil((high - start) / step - 1e-9), 1)
    ticks = tuple(start + index * step for index in range(count + 1))
    return _Axis(ticks[0], ticks[-1], ticks)


def _is_integer(values: Sequence[Number]) -> bool:
    return all(Decimal(str(value)) == Decimal(str(value)).to_integral_value() for value in values)


def _text_width(text: str, font_size: float) -> float:
    return len(text) * font_size * 0.58


def _f(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _text(x, y, content, *, anchor="middle", size=12.0, color=TEXT_COLOR, weight=None, halo=False) -> str:
    attributes = f'x="{_f(x)}" y="{_f(y)}" text-anchor="{anchor}" font-size="{_f(size)}" fill="{color}"'
    if weight:
        attributes += f' font-weight="{weight}"'
    if halo:
        # Keeps a value label legible where it crosses a grid line or another mark.
        attributes += ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'
    return f"<text {attributes}>{escape(content)}</text>"


def _description(labels, series: Sequence[Series], value_format) -> str:
    parts = []
    for index, label in enumerate(labels):
        values = [
            f"{item.name} {value_format(item.values[index])}"
            for item in series
            if item.values[index] is not None
        ]
        if values:
            parts.append(f"{label} : {', '.join(values)}")
    return " ; ".join(parts) + "." if parts else _("Aucune donnée.")


def _legend(items, *, width: float, font_size: float) -> tuple[list[str], float]:
    """Legend entries laid out left to right, wrapping; returns the markup and its height."""
    parts, x, y = [], 8.0, 8 + font_size * 0.6
    for name, color, kind in items:
        item_width = 26 + _text_width(name, font_size) + 18
        if x > 8 and x + item_width > width - 8:
            x, y = 8.0, y + font_size + 10
        if kind == "bar":
            parts.append(f'<rect x="{_f(x)}" y="{_f(y - 6)}" width="14" height="12" rx="2" fill="{color}"/>')
        else:
            parts.append(
                f'<line x1="{_f(x - 2)}" y1="{_f(y)}" x2="{_f(x + 16)}" y2="{_f(y)}" stroke="{color}"'
                f' stroke-width="2.5"/><circle cx="{_f(x + 7)}" cy="{_f(y)}" r="3.5" fill="#ffffff"'
                f' stroke="{color}" stroke-width="2"/>'
            )
        parts.append(_text(x + 22, y + font_size * 0.35, name, anchor="start", size=font_size))
        x += item_width
    return parts, (y + font_size * 0.6 - 8 if items else 0)


def bar_line_chart(
    labels: Sequence[str],
    bars: Sequence[Series] = (),
    line: Series | None = None,
    *,
    title: str,
    desc: str | None = None,
    bar_axis_label: str = "",
    line_axis_label: str = "",
    line_band: bool = False,
    stacked: bool = False,
    width: int = 720,
    height: int = 360,
    font_size: float = 13,
    value_format: Callable[[Number], str] = format_number,
    chart_id: str | None = None,
) -> SafeString:
    """Bars (side by side, or with ``stacked`` piled up and down from zero) and an optional line.

    - one slot per label; ``bars`` are series of the same unit (receipts and expenses, entries and
      exits: with ``stacked`` positive values pile up and negative values pile down);
    - ``line`` shares the bars' scale, or with ``line_band`` gets its own band above the bars with
      its own scale (a headcount of 90 beside movements of 3): two scales never overlap;
    - ``title`` and ``desc`` give the accessible name and description; ``desc`` defaults to every
      value in words, for screen readers and for text extracted from a PDF;
    - each mark carries a ``<title>`` (tooltip), each value is written next to its mark unless its
      series says ``show_values=False``; zero bars are not drawn.
    """
    count = len(labels)
    all_series = [*bars, *([line] if line else [])]
    for item in all_series:
        if len(item.values) != count:
            raise ValueError(f"series {item.name!r} has {len(item.values)} values for {count} labels")
    chart_id = chart_id or f"chart-{uuid.uuid4().hex[:8]}"
    desc = desc if desc is not None else _description(labels, all_series, value_format)
    colors = [item.color or PALETTE[index % len(PALETTE)] for index, item in enumerate(bars)]
    line_color = (line.color or LINE_COLOR) if line else LINE_COLOR
    small = round(font_size * 0.9, 1)

    # --- scales ---------------------------------------------------------------------------------
    bar_numbers = [value for item in bars for value in item.values if value is not None]
    line_numbers = [value for value in line.values if value is not None] if line else []
    bar_extent = [float(value) for value in bar_numbers]
    if stacked:
        bar_extent = []
        for index in range(count):
            column = [float(item.values[index]) for item in bars if item.values[index] is not None]
            bar_extent += [sum(v for v in column if v > 0), sum(v for v in column if v < 0)]
    line_extent = [float(value) for value in line_numbers]
    own_band = bool(line and line_band)
    if own_band:
        bar_axis = _axis(bar_extent, include_zero=True, integer=_is_integer(bar_numbers), intervals=4)
        line_axis = _axis(line_extent, include_zero=False, integer=_is_integer(line_numbers), intervals=3)
    else:
        bar_axis = _axis(
            bar_extent + line_extent,
            include_zero=True,
            integer=_is_integer(bar_numbers + line_numbers),
            intervals=4,
        )
        line_axis = bar_axis

    # --- layout ---------------------------------------------------------------------------------
    legend_items = [(item.name, colors[index], "bar") for index, item in enumerate(bars)]
    if line:
        legend_items.append((line.name, line_color, "line"))
    legend, legend_height = _legend(legend_items, width=width, font_size=font_size)
    tick_labels = [value_format(tick) for tick in (*bar_axis.ticks, *line_axis.ticks)]
    left = 8 + max(_text_width(text, small) for text in tick_labels) + 8
    right = width - 10
    title_room = small + 10
    top = 8 + legend_height + 10 + (title_room if (bar_axis_label or (own_band and line_axis_label)) else 0)
    slot = (right - left) / max(count, 1)
    # Labels wider than their slot (twelve months on a phone) alternate between two rows.
    stagger = any(_text_width(label, small) > slot * 0.92 for label in labels)
    bottom = height - (small + 14) * (2 if stagger else 1)
    pad = small + 8  # room for a value label above the highest mark and below the lowest
    if own_band:
        split = top + (bottom - top) * 0.45
        line_band_ = _Band(line_axis, top, split, pad)
        bar_band = _Band(bar_axis, split + title_room + 6, bottom, pad)
    else:
        bar_band = line_band_ = _Band(bar_axis, top, bottom, pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%"'
        f' preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' id="{chart_id}" class="chart" font-family="{escape(FONT_FAMILY)}" font-size="{_f(font_size)}"'
        f' style="max-width:100%;height:auto;display:block">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        '<g class="chart-legend">',
        *legend,
        "</g>",
    ]

    # Axis titles, above their band, in the colour of what they measure
    if own_band and line_axis_label:
        parts.append(
            _text(8, line_band_.top - 8, line_axis_label, anchor="start", size=small, color=line_color)
        )
    if bar_axis_label:
        parts.append(
            _text(8, bar_band.top - 8, bar_axis_label, anchor="start", size=small, color=MUTED_COLOR)
        )

    # Grid lines and their values
    parts.append('<g class="chart-grid">')
    for band, color in ((bar_band, MUTED_COLOR), *([(line_band_, line_color)] if own_band else [])):
        for tick in band.axis.ticks:
            y = band.y(tick)
            parts.append(
                f'<line x1="{_f(left)}" y1="{_f(y)}" x2="{_f(right)}" y2="{_f(y)}" stroke="{GRID_COLOR}"'
                f' stroke-width="1"/>'
            )
            parts.append(
                _text(left - 6, y + small * 0.35, value_format(tick), anchor="end", size=small, color=color)
            )
    parts.append("</g>")

    # Bars; their value labels are kept for the end so that nothing is drawn over them
    value_labels = []
    inner = slot * (0.5 if stacked else 0.72)
    bar_width = inner if stacked else inner / max(len(bars), 1)
    parts.append('<g class="chart-bars">')
    for index, label in enumerate(labels):
        x0 = left + index * slot + (slot - inner) / 2
        up = down = 0.0
        outermost = {}
        for series_index, item in enumerate(bars):
            value = item.values[index]
            if value is not None and float(value) != 0:
                outermost[float(value) > 0] = series_index
        for series_index, item in enumerate(bars):
            value = item.values[index]
            if value is None or float(value) == 0:
                continue
            number = float(value)
            if stacked:
                base = up if number > 0 else down
                end = base + number
                up, down = (end, down) if number > 0 else (up, end)
                x = x0
            else:
                base, end = 0.0, number
                x = x0 + series_index * bar_width
            y_base, y_end = bar_band.y(base), bar_band.y(end)
            y_top, bar_height = min(y_base, y_end), abs(y_end - y_base)
            tooltip = f"{label} — {item.name} : {value_format(value)}"
            parts.append(
                f'<rect x="{_f(x + 1)}" y="{_f(y_top)}" width="{_f(max(bar_width - 2, 1))}"'
                f' height="{_f(max(bar_height, 0.5))}" fill="{colors[series_index]}">'
                f"<title>{escape(tooltip)}</title></rect>"
            )
            if not item.show_values:
                continue
            center = x + bar_width / 2
            if stacked and outermost.get(number > 0) != series_index:
                if bar_height >= small + 4:  # inner segment of a pile: inside it, if it fits
                    value_labels.append(
                        _text(
                            center,
                            y_top + bar_height / 2 + small * 0.35,
                            value_format(value),
                            size=small,
                            color="#ffffff",
                            weight="600",
                        )
                    )
                continue
            label_y = y_end - 5 if number > 0 else y_end + small + 2
            value_labels.append(
                _text(center, label_y, value_format(value), size=small, color=colors[series_index],
                      weight="600", halo=True)
            )  # fmt: skip
    parts.append("</g>")
    if bars:
        zero = bar_band.y(0.0)
        parts.append(
            f'<line class="chart-zero" x1="{_f(left)}" y1="{_f(zero)}" x2="{_f(right)}" y2="{_f(zero)}"'
            f' stroke="{MUTED_COLOR}" stroke-width="1.2"/>'
        )

    # The line, broken where a value is missing
    if line:
        points: list[tuple[float, float, Number, str]] = []
        segments: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(line.values):
            if value is None:
                segments.append([])
                continue
            x, y = left + index * slot + slot / 2, line_band_.y(float(value))
            points.append((x, y, value, labels[index]))
            segments[-1].append((x, y))
        parts.append('<g class="chart-line">')
        for segment in segments:
            if len(segment) > 1:
                coordinates = " ".join(f"{_f(x)},{_f(y)}" for x, y in segment)
                parts.append(
                    f'<polyline points="{coordinates}" fill="none" stroke="{line_color}" stroke-width="2.5"'
                    f' stroke-linejoin="round" stroke-linecap="round"/>'
                )
        for x, y, value, label in points:
            tooltip = f"{label} — {line.name} : {value_format(value)}"
            parts.append(
                f'<circle cx="{_f(x)}" cy="{_f(y)}" r="4" fill="#ffffff" stroke="{line_color}"'
                f' stroke-width="2"><title>{escape(tooltip)}</title></circle>'
            )
            if line.show_values:
                value_labels.append(
                    _text(
                        x, y - 9, value_format(value), size=small, color=line_color, weight="600", halo=True
                    )
                )
        parts.append("</g>")

    parts += ['<g class="chart-values">', *value_labels, "</g>", '<g class="chart-labels">']
    for index, label in enumerate(labels):
        row = index % 2 if stagger else 0
        parts.append(
            _text(left + index * slot + slot / 2, bottom + small + 8 + row * (small + 6), label, size=small)
        )
    parts += ["</g>", "</svg>"]
    return mark_safe("".join(parts))  # every piece of text above went through escape()
