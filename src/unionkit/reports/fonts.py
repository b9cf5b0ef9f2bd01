"""Chinese labels in matplotlib charts: register an installed Noto CJK font and use it."""

from __future__ import annotations

import glob
import os
from pathlib import Path

__all__ = ["FONT_FILES", "find_chinese_font_file", "use_chinese_font"]

FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)
"""Where Debian's ``fonts-noto-cjk`` (and other systems' Chinese fonts) put their files."""


def find_chinese_font_file() -> Path | None:
    """
    Return an installed font file that draws Chinese, or ``None``.

    Looks at ``$UNIONKIT_CJK_FONT`` first, then :data:`FONT_FILES`, then any
    ``Noto*CJK*`` file under ``/usr/share/fonts``.

    Returns:
        The font file's path, or ``None`` when none is installed (on Debian:
        ``apt-get install fonts-noto-cjk``).

    .. versionadded:: 0.1.0
    """
    chosen = os.environ.get("UNIONKIT_CJK_FONT")
    for candidate in (chosen, *FONT_FILES):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    found = sorted(glob.glob("/usr/share/fonts/**/Noto*CJK*", recursive=True))
    regular = [f for f in found if "Regular" in f and "Sans" in f] or found
    return Path(regular[0]) if regular else None


def use_chinese_font(path: str | os.PathLike[str] | None = None) -> str:
    """
    Make matplotlib draw Chinese: register a CJK font file and put it first.

    Registers the file with ``matplotlib.font_manager.fontManager.addfont`` (so no
    font cache needs rebuilding), puts its family first in ``font.sans-serif``, and
    turns off the Unicode minus sign, which CJK fonts often lack. Call it once in a
    notebook before drawing; charts then take Chinese titles, labels and ticks.

    Args:
        path: The font file (``.ttf``, ``.otf`` or ``.ttc``); found with
            :func:`find_chinese_font_file` when not given.

    Returns:
        The font's family name, for example ``"Noto Sans CJK JP"``.

    Raises:
        FileNotFoundError: No Chinese font is installed (the message says how to
            install one) or *path* does not exist.
        ImportError: matplotlib is not installed (``pip install 'unionkit[viz]'``).

    .. versionadded:: 0.1.0
    """
    import matplotlib as mpl
    from matplotlib import font_manager

    file = Path(path) if path is not None else find_chinese_font_file()
    if file is None or not file.is_file():
        raise FileNotFoundError(
            f"找不到中文字体文件 {file or ''}；Debian/Ubuntu 上请安装：apt-get install "
            "fonts-noto-cjk / no Chinese font file found; on Debian or Ubuntu install one "
            "with apt-get install fonts-noto-cjk, or pass its path"
        )
    font_manager.fontManager.addfont(str(file))
    family = font_manager.FontProperties(fname=str(file)).get_name()
    sans = [f for f in mpl.rcParams["font.sans-serif"] if f != family]
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = [family, *sans]
    mpl.rcParams["axes.unicode_minus"] = False
    return family
