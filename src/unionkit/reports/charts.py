"""Charts of the demand figures as PNG images (matplotlib, the optional ``[viz]`` extra)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from unionkit.reports._text import CATEGORY_NAMES, Lang, check_lang, name_of, text
from unionkit.reports.demands import GRADES, DemandFigures, FigureRow

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Chart",
    "ChartSet",
    "chinese_font",
    "demand_charts",
    "have_matplotlib",
    "register_cjk_fonts",
]

_PREFERRED = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Heiti SC",
    "Noto Serif CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)
_PROBE = "诉求办结率满意"
# Where Debian (fonts-noto-cjk, fonts-wqy-*), other Linux distributions and macOS keep CJK fonts.
_FONT_DIRS = (
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/wqy-zenhei",
    "/usr/local/share/fonts",
    "/System/Library/Fonts",
    "/Library/Fonts",
)
_FONT_FILES = (
    "*CJK*.tt[cf]",
    "*CJK*.otf",
    "wqy*.tt[cf]",
    "SourceHanSans*",
    "PingFang*",
    "msyh*.tt[cf]",
    "simhei.ttf",
)
_MAX_BARS = 15


@frozen
class Chart:
    """One chart: a key (``category``, ``department``, ``ratings``, ``monthly``), a title, a PNG."""

    key: str
    title: str
    png: bytes


@frozen
class ChartSet:
    """
    The charts for a report, the language their labels use, and notes to print with them.

    ``lang`` is ``"en"`` for a Chinese report when no Chinese font was found, and
    ``notes`` then says so.
    """

    charts: tuple[Chart, ...]
    lang: Lang
    notes: tuple[str, ...]


def have_matplotlib() -> bool:
    """Whether matplotlib (the ``[viz]`` extra) can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def register_cjk_fonts(extra_dirs: Sequence[str] = ()) -> int:
    """
    Register installed CJK font files with matplotlib directly, bypassing its cache.

    matplotlib reads its font list from a cache built when it first ran; a font
    installed afterwards (``apt-get install fonts-noto-cjk``) stays invisible until
    the cache is rebuilt. Adding the files with ``fontManager.addfont`` makes them
    usable at once.

    Args:
        extra_dirs: More folders to look in (e.g. a union's own font folder).

    Returns:
        How many font files were newly registered.

    .. versionadded:: 0.1.0
    """
    from pathlib import Path

    from matplotlib import font_manager

    known = {entry.fname for entry in font_manager.fontManager.ttflist}
    added = 0
    for folder in (*extra_dirs, *_FONT_DIRS):
        base = Path(folder)
        if not base.is_dir():
            continue
        for pattern in _FONT_FILES:
            for path in sorted(base.rglob(pattern)):
                if str(path) in known:
                    continue
                try:
                    font_manager.fontManager.addfont(str(path))
                except (OSError, RuntimeError, ValueError):
                    continue
                known.add(str(path))
                added += 1
    return added


def chinese_font() -> str | None:
    """
    Return the family name of an installed font that draws Chinese, or ``None``.

    A font counts only if it has glyphs for a sample of report characters, so a
    chart never shows empty boxes (tofu). Font files installed after matplotlib
    built its cache are found too (see :func:`register_cjk_fonts`).
    """
    from matplotlib import font_manager, ft2font

    register_cjk_fonts()

    by_name: dict[str, str] = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    candidates = [n for n in _PREFERRED if n in by_name]
    candidates += sorted(n for n in by_name if "CJK" in n and n not in candidates)
    for name in candidates:
        try:
            font = ft2font.FT2Font(by_name[name])
        except (OSError, RuntimeError):
            continue
        if all(font.get_char_index(ord(ch)) for ch in _PROBE):
            return name
    return None


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    # No timestamps or version in the file, so the same figures give the same bytes.
    fig.savefig(buf, format="png", dpi=96, metadata={"Software": None})
    return buf.getvalue()


def _bars(rows: Sequence[FigureRow], labels: Sequence[str], title: str, lang: Lang) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    height = 1.2 + 0.38 * len(rows)
    fig = Figure(figsize=(8, height), layout="constrained")
    ax = fig.subplots()
    y = list(range(len(rows)))
    ax.barh(
        [v + 0.2 for v in y],
        [r.received for r in rows],
        height=0.4,
        label=text("col_received", lang),
        color="#4C72B0",
    )
    ax.barh(
        [v - 0.2 for v in y],
        [r.closed for r in rows],
        height=0.4,
        label=text("col_closed", lang),
        color="#55A868",
    )
    ax.set_yticks(y, labels)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.invert_yaxis()
    ax.set_title(title)
    ax.legend(loc="lower right")
    return _png(fig)


def _ratings(figures: DemandFigures, title: str, lang: Lang) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(6, 3.2), layout="constrained")
    ax = fig.subplots()
    counted = set(figures.satisfied_grades)
    colors = ["#55A868" if g in counted else "#C44E52" for g in GRADES]
    ax.bar([g.label(lang) for g in GRADES], list(figures.total.grades), color=colors)
    ax.set_ylabel(text("count", lang))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    return _png(fig)


def _monthly(figures: DemandFigures, title: str, lang: Lang) -> bytes:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(8, 3.2), layout="constrained")
    ax = fig.subplots()
    x = list(range(len(figures.monthly)))
    ax.bar(
        [v - 0.2 for v in x],
        [m.received for m in figures.monthly],
        width=0.4,
        label=text("col_received", lang),
        color="#4C72B0",
    )
    ax.bar(
        [v + 0.2 for v in x],
        [m.closed for m in figures.monthly],
        width=0.4,
        label=text("col_closed", lang),
        color="#55A868",
    )
    ax.set_xticks(x, [m.month.strftime("%Y-%m") for m in figures.monthly], rotation=45, ha="right")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.legend()
    return _png(fig)


def demand_charts(
    figures: DemandFigures,
    lang: str = "zh",
    names: Mapping[str, tuple[str, str]] | None = None,
    *,
    font: str | None = None,
    detect_font: bool = True,
) -> ChartSet:
    """
    Draw the report's charts: by category, by department, ratings, month by month.

    Args:
        figures: The computed figures.
        lang: ``"zh"`` or ``"en"``.
        names: Display names for categories and departments.
        font: The font family for Chinese labels; found with :func:`chinese_font`
            when not given and *detect_font* is true.
        detect_font: Look for a Chinese font when *font* is not given. With no
            font, a Chinese report's charts use English labels and say so.

    Returns:
        The charts, with the language their labels actually use.

    Raises:
        ImportError: matplotlib (``unionkit[viz]``) is not installed.

    .. versionadded:: 0.1.0
    """
    import matplotlib

    lg = check_lang(lang)
    notes: list[str] = []
    family = font or (chinese_font() if detect_font and lg == "zh" else None)
    chart_lang: Lang = lg
    if lg == "zh" and family is None:
        chart_lang = Lang.en
        notes.append(text("charts_english", lg))
    labels = dict(CATEGORY_NAMES) if names is None else dict(names)
    charts: list[Chart] = []
    with matplotlib.rc_context(
        {
            "font.family": [family, "DejaVu Sans"] if family else ["DejaVu Sans"],
            "axes.unicode_minus": False,
        }
    ):
        for key, rows, none_key in (
            ("category", figures.by_category, "none_category"),
            ("department", figures.by_department, "none_department"),
        ):
            top = sorted(rows, key=lambda r: (-r.received, r.key or ""))[:_MAX_BARS]
            if not top:
                continue
            title = text(f"chart_{key}", chart_lang)
            # Stored names are text: a "$" would start matplotlib's mathtext parser.
            bar_labels = [
                name_of(r.key, chart_lang, labels, none_key).replace("$", r"\$") for r in top
            ]
            if family is None:
                # Without a Chinese font a stored Chinese name would draw as boxes.
                bar_labels = [
                    lab if lab.isascii() else f"{key} {i}" for i, lab in enumerate(bar_labels, 1)
                ]
            charts.append(Chart(key, title, _bars(top, bar_labels, title, chart_lang)))
        if figures.total.rated:
            title = text("chart_ratings", chart_lang)
            charts.append(Chart("ratings", title, _ratings(figures, title, chart_lang)))
        title = text("chart_monthly", chart_lang)
        charts.append(Chart("monthly", title, _monthly(figures, title, chart_lang)))
    return ChartSet(tuple(charts), chart_lang, tuple(notes))
