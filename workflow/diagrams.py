"""Diagrams drawn from the table, never by hand."""

from __future__ import annotations

from .definition import Workflow


def _edges(workflow: Workflow) -> list[tuple[str, str, str]]:
    return [(src, dst, t.name) for src, dst, t in workflow.edges()]


def mermaid(workflow: Workflow) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {workflow.initial}"]
    for state in workflow.states:
        lines.append(f"    {state.name}: {state.name} ({state.label.id})")
    for src, dst, name in _edges(workflow):
        lines.append(f"    {src} --> {dst}: {name}")
    for state in workflow.states:
        if state.final:
            lines.append(f"    {state.name} --> [*]")
    return "\n".join(lines) + "\n"


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(workflow: Workflow) -> str:
    lines = [f"digraph {_dot_quote(workflow.name)} {{", "    rankdir=LR;"]
    for state in workflow.states:
        shape = "doublecircle" if state.final else "box"
        label = f"{state.name}\\n{state.label.id}"
        lines.append(f'    {_dot_quote(state.name)} [shape={shape}, label="{label}"];')
    for src, dst, name in _edges(workflow):
        lines.append(f"    {_dot_quote(src)} -> {_dot_quote(dst)} [label={_dot_quote(name)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


RENDERERS = {"mermaid": mermaid, "dot": dot}
