"""The score of the last `make mutation` run, per mutated file, from mutmut's records.

    .venv/bin/python benchmarks/mutation_score.py [--survivors]

Score = killed / (killed + survived + no tests): a mutant no selected test reaches counts
against the score, as a survivor does. Timeouts are shown apart and left out of the score: on
a shared 2-core machine most are slowness, not an endless loop the mutant caused.
Run from the repository root.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): 1 and 3 killed, 0 survived, 5 and 33 no tests.
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", None: "unrun"}
TIMEOUT = {24, -24, 36, 152, 255}


def status(code) -> str:
    return "timeout" if code in TIMEOUT else STATUS.get(code, "other")


def score(counts: Counter) -> str:
    caught = counts["killed"]
    judged = caught + counts["survived"] + counts["no tests"]
    return f"{100 * caught / judged:5.1f}%" if judged else "  n/a"


def main(show_survivors: bool) -> int:
    metas = sorted(Path("mutants").rglob("*.py.meta"))
    if not metas:
        print("No mutmut results: run `make mutation` first.")
        return 1
    total: Counter = Counter()
    survivors: dict[str, list[str]] = defaultdict(list)
    print(f"{'file':32} {'score':>6} killed timeout survived no-tests unrun")
    for meta in metas:
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        counts = Counter(status(code) for code in codes.values())
        total.update(counts)
        name = str(meta.relative_to("mutants"))[: -len(".meta")]
        for key, code in codes.items():
            if status(code) in ("survived", "no tests"):
                survivors[name].append(key)
        print(
            f"{name:32} {score(counts):>6} {counts['killed']:6} {counts['timeout']:7}"
            f" {counts['survived']:8} {counts['no tests']:8} {counts['unrun']:5}"
        )
    print(
        f"{'all':32} {score(total):>6} {total['killed']:6} {total['timeout']:7}"
        f" {total['survived']:8} {total['no tests']:8} {total['unrun']:5}"
    )
    if show_survivors:
        for name, keys in survivors.items():
            print(f"\n{name}:")
            for key in keys:
                print(f"  {key}")
    return 0


if __name__ == "__main__":
    sys.exit(main("--survivors" in sys.argv[1:]))
