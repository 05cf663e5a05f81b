"""Small pure helpers shared by the replay HTML pages: escaping, number formats, the page
frame with its inline stylesheet, and an axis scale for the inline SVG charts.

Every page is one self-contained file (no scripts, no fonts, no external requests) so it
opens offline from ``file://`` and can be attached to a ticket or a CI run as it is.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

STYLE = """
:root { --caller: #2563eb; --agent: #059669; --cut: #dc2626; --ink: #1f2937;
  --muted: #6b7280; --line: #e5e7eb; --bg-soft: #f9fafb; --old: #fee2e2; --new: #dcfce7;
  --warn: #fef3c7; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue",
  Arial, sans-serif; color: var(--ink); margin: 0 auto; padding: 24px 24px 48px;
  max-width: 1400px; }
h1 { font-size: 24px; margin: 0 0 4px; word-break: break-all; }
h2 { font-size: 18px; margin: 32px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; }
h3 { font-size: 16px; margin: 20px 0 6px; }
p.lead { color: var(--muted); margin: 0 0 16px; }
p.note { color: var(--muted); font-size: 13px; margin: 4px 0 8px; }
a { color: #1d4ed8; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr));
  gap: 8px 20px; margin: 12px 0; padding: 12px 16px; background: var(--bg-soft);
  border: 1px solid var(--line); border-radius: 8px; }
dl.facts div { min-width: 0; }
dl.facts dt { font-size: 12px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 6px; text-align: left;
  vertical-align: top; }
td { overflow-wrap: break-word; }
th { background: var(--bg-soft); font-size: 12px; text-transform: uppercase;
  letter-spacing: .04em; color: var(--muted); }
.scroll { overflow-x: auto; }
table.turns td:nth-child(2), table.turns td:nth-child(3) { min-width: 160px; }
table.turns td:nth-child(4), table.turns td:nth-child(5) { min-width: 105px; }
table.turns td:nth-child(8) { min-width: 125px; }
table.turns td:nth-child(9) { min-width: 105px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
details.timings { font-size: 11px; white-space: normal; text-align: left;
  line-height: 1.3; margin-top: 2px; }
details.timings summary { cursor: pointer; color: var(--muted); white-space: nowrap; }
details.timings span { display: block; white-space: nowrap; }
tr.totals td { font-weight: 700; border-top: 2px solid var(--ink); }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--bg-soft); padding: 1px 4px; border-radius: 4px; }
.badge { display: inline-block; font-size: 11px; font-weight: 700; padding: 1px 6px;
  border-radius: 10px; margin: 0 2px; white-space: nowrap; vertical-align: 1px; }
.badge.cut { background: var(--cut); color: #fff; }
.badge.fallback { background: var(--warn); color: #92400e; }
.badge.error { background: var(--cut); color: #fff; }
.badge.buy { background: var(--agent); color: #fff; }
.badge.ok { background: var(--new); color: #166534; }
.badge.changed { background: var(--warn); color: #92400e; }
.badge.failing { background: var(--cut); color: #fff; }
.muted { color: var(--muted); }
.who-caller { color: var(--caller); font-weight: 600; }
.who-agent { color: var(--agent); font-weight: 600; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 13px; margin: 6px 0; }
.legend span::before { content: ""; display: inline-block; width: 12px; height: 12px;
  margin-right: 5px; vertical-align: -1px; background: var(--swatch); border-radius: 2px; }
svg { display: block; max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: var(--muted); }
svg text.lane { fill: var(--ink); font-weight: 600; }
svg .grid { stroke: var(--line); }
audio { width: 100%; max-width: 700px; margin: 8px 0; }
.old { background: var(--old); }
.new { background: var(--new); }
del.old, ins.new { text-decoration: none; padding: 1px 3px; border-radius: 3px; }
tr.changed td { background: #fffbeb; }
tr.failing td { background: #fef2f2; }
tr.expect-failed td { background: #fef2f2; }
tr.expect-failed td:first-child { box-shadow: inset 4px 0 0 var(--cut); }
ul.expect { margin: 2px 0 6px; padding-left: 18px; }
ul.expect li { color: #991b1b; }
section.expectations.failed { border-left: 4px solid var(--cut); padding-left: 12px; }
tr.failing td.old { background: var(--old); font-weight: 700; }
tr.failing td.new { background: var(--new); font-weight: 700; }
"""


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute (untrusted input is always escaped)."""
    return html.escape(str(value), quote=True)


def ident(value: object) -> str:
    """An identifier (``handle_objection``) escaped, allowed to wrap after underscores."""
    return esc(value).replace("_", "_<wbr>")


def fmt_ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} ms"


def fmt_p(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def fmt_s(value: float | None) -> str:
    if value is None:
        return "–"
    minutes, seconds = divmod(value, 60.0)
    return f"{int(minutes)}:{seconds:04.1f}" if minutes else f"{seconds:.1f} s"


def fmt_opt(value: str | None) -> str:
    return "–" if value is None or value == "" else value


def facts(items: Iterable[tuple[str, str]]) -> str:
    """A definition grid of ``(label, already-escaped HTML value)`` pairs."""
    rows = "".join(f"<div><dt>{esc(k)}</dt><dd>{v}</dd></div>" for k, v in items)
    return f'<dl class="facts">{rows}</dl>'


def legend(items: Sequence[tuple[str, str]]) -> str:
    """A colour legend of ``(label, css colour)``."""
    spans = "".join(f'<span style="--swatch:{c}">{esc(label)}</span>' for label, c in items)
    return f'<div class="legend">{spans}</div>'


def page(title: str, body: str) -> str:
    """A whole self-contained HTML document."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def write_page(path: Path, document: str) -> Path:
    """Write a page (the one I/O step of the report builders)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document, encoding="utf-8")
    return path


def nice_step(span: float, ticks: int = 6) -> float:
    """A round tick step (1, 2 or 5 times a power of ten) giving about ``ticks`` ticks."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for mult in (1.0, 2.0, 5.0, 10.0):
        if raw <= mult * power:
            return mult * power
    return 10.0 * power


@dataclass(frozen=True, slots=True)
class Scale:
    """A linear map from data values ``[0, top]`` to pixels ``[x0, x1]``, with round ticks."""

    top: float
    step: float
    x0: float
    x1: float

    @classmethod
    def fit(cls, largest: float, x0: float, x1: float, ticks: int = 6) -> Scale:
        """A scale from 0 to the first tick at or above ``largest``."""
        step = nice_step(largest, ticks)
        top = max(step, math.ceil(largest / step - 1e-9) * step)
        return cls(top, step, x0, x1)

    def __call__(self, value: float) -> float:
        value = min(max(value, 0.0), self.top)
        return self.x0 + (self.x1 - self.x0) * value / self.top

    def ticks(self) -> list[float]:
        n = round(self.top / self.step)
        return [i * self.step for i in range(n + 1)]


def num(value: float) -> str:
    """A coordinate for SVG attributes."""
    return f"{value:.1f}"
