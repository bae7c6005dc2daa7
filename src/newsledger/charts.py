"""Pictures: a dated timeline chart (events coloured by type) and a force-posture map of Europe
(arrows from senders to hosts, sized by quantity; hosts shaded by forces received).

Drawn with matplotlib (Agg, no display). Country shapes come from an installed package, offline
(see `shapes.py`), with Crimea drawn as part of Ukraine.
"""

from __future__ import annotations

import datetime as dt
import math

from .posture import HostPosture
from .timeline import TimelineEntry

TYPE_COLOURS = {
    "MOBILIZE": "#1f77b4", "RETREAT": "#9edae5", "ASSAULT": "#d62728", "SANCTION": "#ff7f0e", "CONSULT": "#2ca02c",
    "REQUEST": "#9467bd", "REJECT": "#8c564b", "THREATEN": "#e377c2", "ACCUSE": "#bcbd22", "AID": "#17becf",
    "SUPPORT": "#98df8a", "AGREE": "#aec7e8", "CONCEDE": "#c5b0d5", "COOPERATE": "#c49c94", "PROTEST": "#f7b6d2",
    "COERCE": "#7f7f7f",
}


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def timeline_chart(entries: list[TimelineEntry], path: str, *, fmt: str = "png", title: str | None = None) -> None:
    """Dates across, one lane per event type; a dot per day and type sized by its number of events, with
    the day's summary beside the most salient dates."""
    plt = _plt()
    types = sorted({t for e in entries for t in e.type_counts}, key=lambda t: list(TYPE_COLOURS).index(t))
    top = sorted(sorted(entries, key=lambda e: -e.salience)[:8], key=lambda e: e.date)
    fig, (ax, notes) = plt.subplots(2, 1, figsize=(13, 2.4 + 0.5 * max(len(types), 3) + 0.28 * len(top)), dpi=110,
                                    gridspec_kw={"height_ratios": [0.5 * max(len(types), 3) + 1, 0.3 * len(top) + 0.4]})
    lane = {t: i for i, t in enumerate(types)}
    for e in entries:
        for type_, n in e.type_counts.items():
            ax.scatter(e.date, lane[type_], s=30 + 25 * min(n, 8), color=TYPE_COLOURS.get(type_, "#333"),
                       alpha=0.75, edgecolors="white", linewidths=0.6, zorder=3)
    for i, e in enumerate(top, start=1):
        ax.axvline(e.date, color="#c8c8c8", lw=0.8, zorder=1)
        ax.text(e.date, len(types) - 0.3, str(i), ha="center", va="bottom", fontsize=8, fontweight="bold",
                bbox=dict(boxstyle="circle,pad=0.2", fc="white", ec="#888888", lw=0.6))
        notes.text(0.0, 1 - (i - 0.5) / max(len(top), 1), f"{i}.  {e.date.isoformat()}  {_wrap(e.summary, 150, 1)}",
                   fontsize=8, va="center", ha="left", transform=notes.transAxes)
    notes.axis("off")
    ax.set_yticks(range(len(types)), types)
    ax.set_ylim(-0.8, len(types) + 0.6)
    ax.grid(axis="x", color="#eeeeee")
    ax.spines[["top", "right"]].set_visible(False)
    if entries:
        pad = dt.timedelta(days=max(1, (entries[-1].date - entries[0].date).days // 40))
        ax.set_xlim(entries[0].date - pad, entries[-1].date + pad)
    for label in ax.get_xticklabels():
        label.set_rotation(25)
        label.set_ha("right")
    ax.set_title(title or f"Timeline: {len(entries)} dates, {sum(e.n_events for e in entries)} events, coloured by "
                 "type (dot size: events that day; numbered: most reported dates)", fontsize=10, loc="left")
    fig.tight_layout()
    fig.savefig(path, format=fmt)
    plt.close(fig)


def _wrap(text: str, width: int, max_lines: int = 3) -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width:
            lines.append(cur)
            cur = w
            if len(lines) == max_lines:
                break
        else:
            cur = f"{cur} {w}".strip()
    else:
        lines.append(cur)
        return "\n".join(lines)
    return "\n".join(lines) + "…"


MAP_BOX = (-12.0, 52.0, 33.0, 72.0)  # lon min, lon max, lat min, lat max: Europe to the Urals


def posture_map(hosts: list[HostPosture], path: str, *, fmt: str = "png", at: dt.date | None = None) -> None:
    """Hosts shaded by the troops they received (in force: announced, under way, completed); an arrow
    from each sender's capital to the host, its width by the figure; a legend."""
    from matplotlib.colors import LinearSegmentedColormap, LogNorm
    from matplotlib.patches import Polygon

    from .ledger import capital_points, seat_points
    from .shapes import country_polygons

    plt = _plt()
    received: dict[str, float] = {}
    for hp in hosts:
        received[hp.host] = sum((t.max if t.max is not None else t.min) or 0 for t in hp.totals) or 1.0
    cmap = LinearSegmentedColormap.from_list("posture", ["#fde0c5", "#e34a33"])
    norm = LogNorm(vmin=1, vmax=max(received.values(), default=10) or 10)
    fig, ax = plt.subplots(figsize=(11, 8.5), dpi=110)
    lon0, lon1, lat0, lat1 = MAP_BOX
    for code, rings in country_polygons().items():
        colour = cmap(norm(received[code])) if code in received else "#f2f2f2"
        for ring in rings:
            if not any(lon0 - 10 <= x <= lon1 + 10 and lat0 - 10 <= y <= lat1 + 10 for x, y in ring[::5]):
                continue
            ax.add_patch(Polygon(ring, closed=True, facecolor=colour, edgecolor="#9a9a9a", linewidth=0.4))
    points = capital_points() | seat_points()
    biggest = max((l.max or l.min or 0 for hp in hosts for l in hp.lines), default=1) or 1
    drawn = set()
    for hp in hosts:
        dst = points.get(hp.host)
        if dst is None:
            continue
        for line in hp.lines:
            for sender in line.senders:
                src = points.get(sender)
                if src is None or (sender, hp.host, line.mode) in drawn:
                    continue
                drawn.add((sender, hp.host, line.mode))
                figure = line.max or line.min or 0
                width = 0.8 + 5.0 * math.sqrt(figure / biggest) if figure else 0.8
                start = _clamp((src[1], src[0]), (dst[1], dst[0]))  # senders off the map start at its edge
                ax.annotate("", xy=(dst[1], dst[0]), xytext=start,
                            arrowprops=dict(arrowstyle="-|>", color=_mode_colour(line.mode), lw=width, alpha=0.7,
                                            connectionstyle="arc3,rad=0.15", shrinkA=2, shrinkB=4))
        total = "; ".join(f"{t.mode} {t.min:,}" + ("+" if t.max is None else (f"–{t.max:,}" if t.max != t.min else ""))
                          for t in hp.totals)
        if not (lon0 <= dst[1] <= lon1 and lat0 <= dst[0] <= lat1):
            continue
        ax.text(dst[1], dst[0] - 0.6, f"{hp.host}\n{total}" if total else hp.host, fontsize=7, ha="center", va="top",
                color="#222222", zorder=5)
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1 / math.cos(math.radians((lat0 + lat1) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color=_mode_colour(m), lw=3, label=m) for m in
               ("troops", "aircraft", "naval", "air_defense", "armor", "equipment", "mixed")]
    ax.legend(handles=handles, title="arrows: forces sent (width ~ figure)", loc="lower left", fontsize=7,
              title_fontsize=7, frameon=True)
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=ax, shrink=0.5, pad=0.01, label="forces received (log scale)")
    ax.set_title("Force posture" + (f" as known on {at.isoformat()}" if at else "") +
                 ": who sent what where (announced, under way or completed)", fontsize=10, loc="left")
    fig.subplots_adjust(left=0.02, right=0.98, top=0.95, bottom=0.03)
    fig.savefig(path, format=fmt)
    plt.close(fig)


_MODE_COLOURS = {"troops": "#1f77b4", "aircraft": "#2ca02c", "naval": "#17becf", "air_defense": "#9467bd",
                 "armor": "#8c564b", "equipment": "#7f7f7f", "mixed": "#ff7f0e", "forces": "#1f77b4"}


def _mode_colour(mode: str) -> str:
    return _MODE_COLOURS.get(mode, "#1f77b4")


def _clamp(src: tuple[float, float], dst: tuple[float, float]) -> tuple[float, float]:
    """The point where the segment from src to dst enters the map box (src itself when inside)."""
    lon0, lon1, lat0, lat1 = MAP_BOX
    (x0, y0), (x1, y1) = src, dst
    t = 0.0
    for lo, hi, a, b in ((lon0, lon1, x0, x1), (lat0, lat1, y0, y1)):
        if a < lo and b != a:
            t = max(t, (lo - a) / (b - a))
        elif a > hi and b != a:
            t = max(t, (hi - a) / (b - a))
    return (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
