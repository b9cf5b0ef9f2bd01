"""Chinese chart fonts are found from the font files, even when matplotlib's cache predates them."""

from __future__ import annotations

from pathlib import Path

import pytest

from unionkit.reports.charts import chinese_font, register_cjk_fonts

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not NOTO.exists(), reason="fonts-noto-cjk is not installed")
def test_a_font_file_unknown_to_the_cache_is_registered_and_then_found(tmp_path: Path) -> None:
    from matplotlib import font_manager

    folder = tmp_path / "fonts"
    folder.mkdir()
    (folder / "UnionCJK-Regular.ttc").symlink_to(NOTO)

    added = register_cjk_fonts([str(folder)])
    again = register_cjk_fonts([str(folder)])

    paths = {e.fname for e in font_manager.fontManager.ttflist}
    assert added >= 1
    assert 0 == again
    assert str(folder / "UnionCJK-Regular.ttc") in paths
    assert chinese_font() is not None
