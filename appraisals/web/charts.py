"""Geometry of the server-drawn SVGs: the lifecycle diagram and the curve chart.

Pure functions over the workflow table and a CurveReport: the templates only
place what these compute, so a state or a rule added to the table shows up
with no template change, and no JS library or graphviz binary is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from workflow.definition import ANY_STATE, Workflow

from ..curve import EMPLOYEE_PREDICATES, CurveReport

# -- lifecycle diagram ----------------------------------------------------------------------

NODE_W, NODE_H, ROW_H = 250, 36, 64
MARGIN_X, TOP = 280, 48  # room for arcs and their labels on both sides
ARC_BASE, ARC_STEP = 45, 30


@dataclass(frozen=True)
class Node:
    name: str
    label: object  # a Text, rendered by the template's `text` filter
    x: int
    y: int
    final: bool
    initial: bool


@dataclass(frozen=True)
class Edge:
    name: str
    label: object
    d: str  # the SVG path
    label_x: int
    label_y: int
    anchor: str  # text-anchor of the label
    kind: str  # "next", "skip", "back" or "any"


def lifecycle_layout(workflow: Workflow) -> dict:
    """States top to bottom in the table's order; transitions as arrows between them.

    A move to the next state is a straight arrow; a longer move forward arcs on
    the right, a move back on the left, each arc wider with the distance it
    spans so that they do not overlap. A transition from any state ("*") is one
    arrow from a dashed "any open state" box beside its target.
    """
    order = {s.name: i for i, s in enumerate(workflow.states)}
    cx = MARGIN_X + NODE_W // 2
    nodes = [
        Node(
            s.name,
            s.label,
            MARGIN_X,
            TOP + i * ROW_H,
            s.final,
            s.name == workflow.initial,
        )
        for i, s in enumerate(workflow.states)
    ]
    mid = {n.name: n.y + NODE_H // 2 for n in nodes}
    left, right = MARGIN_X, MARGIN_X + NODE_W
    edges: list[Edge] = []
    any_boxes = []
    for t in workflow.transitions:
        if ANY_STATE in t.source:
            y = mid[t.target]
            box_x = right + 110
            any_boxes.append({"x": box_x, "y": y - NODE_H // 2, "w": 170, "h": NODE_H})
            edges.append(
                Edge(
                    t.name,
                    t.label,
                    f"M{box_x},{y} L{right + 4},{y}",
                    right + 8,
                    y - 8,
                    "start",
                    "any",
                )
            )
            continue
        for src in t.source:
            a, b = order[src], order[t.target]
            span = abs(b - a)
            if b == a + 1:
                y1, y2 = nodes[a].y + NODE_H, nodes[b].y - 4
                edges.append(
                    Edge(
                        t.name,
                        t.label,
                        f"M{cx},{y1} L{cx},{y2}",
                        cx + 8,
                        (y1 + y2) // 2 + 4,
                        "start",
                        "next",
                    )
                )
                continue
            back = b < a
            x = left if back else right
            reach = ARC_BASE + ARC_STEP * (span - 1)
            ctrl = x - reach if back else x + reach
            y1, y2 = mid[src] + (-6 if back else 6), mid[t.target] + (6 if back else -6)
            end = x - 4 if back else x + 4
            d = f"M{x},{y1} C{ctrl},{y1} {ctrl},{y2} {end},{y2}"
            # The curve's apex lies three quarters of the way to the control points.
            apex = x - reach * 3 // 4 if back else x + reach * 3 // 4
            edges.append(
                Edge(
                    t.name,
                    t.label,
                    d,
                    apex + (-6 if back else 6),
                    (y1 + y2) // 2 + 4,
                    "end" if back else "start",
                    "back" if back else "skip",
                )
            )
    height = TOP + len(nodes) * ROW_H
    return {
        "nodes": nodes,
        "edges": edges,
        "any_boxes": any_boxes,
        "width": MARGIN_X * 2 + NODE_W,
        "height": height,
        "node_w": NODE_W,
        "node_h": NODE_H,
        "start": {"x": cx, "y": TOP - 30},
    }


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
