"""Choose the learned hybrid's two settings on development gold and write them into a model's meta.json.

    python scripts/tune_hybrid.py MODEL_DIR [--gold gold/dev.jsonl --gold gold/dev2.jsonl] [--texts ../shared]

For each setting (`confirm`: the model probability that keeps a rule mention; `add`: the factor on
the model's validation thresholds over which it adds a mention no rule found, or none) it runs
`newsledger eval --extractor learned` on the gold files in a subprocess and scores the sum of
all-events F1 and deployments F1 over them. The best setting goes into MODEL_DIR/meta.json under
`hybrid`. Never pass held-out gold here: that is what the figures are reported on.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CONFIRMS = (0.05, 0.1, 0.2, 0.3)
ADD_FACTORS = (1.0, 1.5, None)  # None: the model adds nothing the rules did not find


def score(model: Path, golds: list[str], texts: str) -> float:
    total = 0.0
    for g in golds:
        out = subprocess.run([sys.executable, "-m", "newsledger", "eval", g, "--texts", texts, "--extractor",
                              "learned", "--json"], capture_output=True, text=True, check=True,
                             env={**os.environ, "NEWSLEDGER_MODEL": str(model)})
        r = json.loads(out.stdout)
        total += r["all"]["f1"] + r["deployments"]["f1"]
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("model", type=Path)
    ap.add_argument("--gold", action="append", default=None)
    ap.add_argument("--texts", default="../shared")
    args = ap.parse_args()
    golds = args.gold or ["gold/dev.jsonl", "gold/dev2.jsonl"]
    if any("heldout" in g for g in golds):
        sys.exit("tune on development gold only; held-out is for the report")
    meta_path = args.model / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    thresholds = meta["thresholds"]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        trial = Path(tmp) / "model"
        shutil.copytree(args.model, trial)
        for confirm in CONFIRMS:
            for factor in ADD_FACTORS:
                add = {} if factor is None else {t: round(min(0.99, th * factor), 3) for t, th in thresholds.items()}
                hybrid = {"confirm": confirm, "add": add}
                (trial / "meta.json").write_text(json.dumps({**meta, "hybrid": hybrid}, indent=1), encoding="utf-8")
                s = score(trial, golds, args.texts)
                results.append((s, confirm, factor, hybrid))
                print(f"confirm {confirm:<5} add x{factor}  score {s:.3f}", flush=True)
    best = max(results, key=lambda r: r[0])
    meta["hybrid"] = {**best[3], "chosen_on": golds, "score": round(best[0], 3)}
    meta_path.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    print(f"chosen: confirm {best[1]}, add x{best[2]} (score {best[0]:.3f}) -> {meta_path}")


if __name__ == "__main__":
    main()
