"""Geometry of the server-drawn lifecycle diagram, for any registered workflow.

A pure function over the workflow table: the template only places what it
computes, so a state or a transition added to the table shows up with no
template change, and no JS library or graphviz binary is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..definition import ANY_STATE, Workflow

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
        for src, target in ((s, d) for s in t.source for d in t.targets):
            a, b = order[src], order[target]
            span = abs(b - a)
            if a == b:
                # Stays in its state (e.g. another proposal while one waits): a small
                # loop on the right of the node.
                y = mid[src]
                x = right + 4
                d = f"M{x},{y - 8} C{x + 40},{y - 26} {x + 40},{y + 26} {x},{y + 8}"
                edges.append(Edge(t.name, t.label, d, x + 36, y + 4, "start", "skip"))
                continue
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
            y1, y2 = mid[src] + (-6 if back else 6), mid[target] + (6 if back else -6)
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
