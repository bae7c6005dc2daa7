"""Poland and Lithuania posture as known on 2022-02-20 and 2022-03-30 (docs/EVALUATION.md, issue 15).

    PYTHONPATH=src python scripts/posture_figures.py LEDGER.db [--sources]

Runs with the code on PYTHONPATH, so the same script measures main (before) and a branch (after); the
columns a version lacks (layer, pledged / under way / arrived) are left out.
"""

from __future__ import annotations

import datetime as dt
import sys

from newsledger.posture import build_posture
from newsledger.store import open_store


def _total(t) -> str:
    top = "open" if t.max is None else f"{t.max:,}"
    out = f"{getattr(t, 'layer', '')} {t.mode} {t.min:,}-{top}".strip()
    if hasattr(t, "pledged"):
        out += " (" + ", ".join(f"{name} {r.min:,}-{r.max}" for name, r in
                                (("pledged", t.pledged), ("under way", t.underway), ("arrived", t.arrived))) + ")"
    return out


def main(db: str, sources: bool) -> None:
    with open_store(db, readonly=True) as s:
        for at in ("2022-02-20", "2022-03-30"):
            for host in ("POL", "LTU"):
                for hp in build_posture(s, dt.date.fromisoformat(at), host):
                    print(f"{at} {host}: " + "; ".join(_total(t) for t in hp.totals))
                    for l in hp.lines if sources else ():
                        if l.mode == "troops" and l.min is not None:
                            flags = (" undated" if getattr(l, "undated", False) else "") + \
                                    (" +" if getattr(l, "increment", False) else "")
                            print(f"    {','.join(l.senders)} {l.min}-{l.max} {l.status} {l.last_reported}{flags} "
                                  f"{getattr(l, 'layer', '')} {l.sources[0].rsplit('/', 1)[-1][:50]}")


if __name__ == "__main__":
    main(sys.argv[1], "--sources" in sys.argv)
