"""Geometry of the server-drawn curve chart (the lifecycle diagram: workflow.web.layout).

Pure functions over a CurveReport: the templates only place what these
compute, so a rule added shows up with no template change, and no JS library
is needed.
"""

from __future__ import annotations

from ..curve import EMPLOYEE_PREDICATES, CurveReport

# -- curve chart ------------------------------------------------------------------------------

CHART_W, CHART_H = 660, 260
PLOT_LEFT, PLOT_TOP, PLOT_BOTTOM = 40, 16, 60  # PLOT_BOTTOM: room for the predicate names


def predicate_bands(report: CurveReport) -> list[dict]:
    """Per predicate: the actual count and the allowed range for the unit's size.

    A rule on one predicate bounds it directly; a "max" rule on a group bounds
    each member too. A "min" on a group (e.g. at least one of two) bounds no
    member alone: it is listed with the rules, not drawn on a bar.
    """
    n = report.size
    out = []
    for code in EMPLOYEE_PREDICATES:
        lo, hi = 0, n
        for rule in report.rules:
            if code not in rule["predicates"] or rule["kind"] == "largest":
                continue
            if rule["kind"] == "max":
                hi = min(hi, rule["max"])
            elif len(rule["predicates"]) == 1:
                lo = max(lo, rule["min"])
        count = report.counts.get(code, 0)
        out.append({"code": code, "count": count, "min": lo, "max": hi, "ok": lo <= count <= hi})
    return out


def curve_chart(bands: list[dict], size: int) -> dict:
    """Bar and range rectangles in SVG units, y growing upwards from the baseline."""
    top = max([size, 1] + [b["count"] for b in bands])
    plot_h = CHART_H - PLOT_TOP - PLOT_BOTTOM
    base = PLOT_TOP + plot_h
    slot = (CHART_W - PLOT_LEFT) // max(len(bands), 1)

    def y(value: int) -> int:
        return base - round(value * plot_h / top)

    bars = []
    for i, band in enumerate(bands):
        x = PLOT_LEFT + i * slot
        bars.append(
            {
                **band,
                "range_x": x + slot // 6,
                "range_w": slot * 2 // 3,
                "range_y": y(band["max"]),
                "range_h": max(y(band["min"]) - y(band["max"]), 2),
                "bar_x": x + slot // 3,
                "bar_w": slot // 3,
                "bar_y": y(band["count"]),
                "bar_h": base - y(band["count"]),
                "label_x": x + slot // 2,
                "count_y": y(band["count"]) - 4,
            }
        )
    ticks = sorted({0, top, top // 2})
    return {
        "width": CHART_W,
        "height": CHART_H,
        "base": base,
        "left": PLOT_LEFT,
        "bars": bars,
        "ticks": [{"value": v, "y": y(v)} for v in ticks],
        "names_y": base + 18,
    }
