"""The digest chart draws Chinese with the font's real glyphs, never the missing-glyph box."""

from __future__ import annotations

import io
import warnings
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.text import Text
from PIL import Image

from bot import wiring
from bot.settings import SAMPLE_CONFIG, load_settings
from handlers.digest.chart import build_figure, chart_font, chart_png, font_path, render_png
from handlers.digest.delivery import chart_as_text, chart_labels
from handlers.digest.render import Naming
from handlers.texts import Texts
from storage.queries.percentiles import Spread
from storage.queries.scope import Scope
from storage.queries.series import ChartData

DONGHU = "telegram:-1001000000001"
# A private-use code point: no font ships a glyph for it.
MISSING = "\ue000"
# Matplotlib's own Latin font has no Chinese: drawn with it, Chinese becomes boxes.
LATIN_ONLY = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def sample_chart(lang: str = "zh") -> tuple[ChartData, Naming]:
    directory = wiring.directory(load_settings(SAMPLE_CONFIG, check_areas=False))
    days = [date(2026, 5, 19) + timedelta(days=i) for i in range(14)]
    data = ChartData(
        days=days,
        reported=[3, 5, 2, 0, 1, 7, 4, 3, 5, 2, 0, 1, 7, 4],
        resolved=[2, 4, 2, 1, 1, 6, 4, 3, 5, 2, 0, 1, 7, 3],
        by_category=[("road", Spread(3, 36000, 145440)), ("sanitation", Spread(2, 7200, 9000)),
                     ("lighting", Spread(1, 3600, 3600))],
    )
    return data, Naming(directory, Texts(lang), ZoneInfo("Asia/Shanghai"))


def drawn_texts(figure: Figure) -> list[Text]:
    FigureCanvasAgg(figure).draw()
    return [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()]


def rendered(text: str, font: FontProperties | None = None) -> np.ndarray:
    figure = Figure(figsize=(3, 1), dpi=100)
    figure.text(0.05, 0.3, text, fontproperties=font or chart_font(), fontsize=20)
    canvas = FigureCanvasAgg(figure)
    with warnings.catch_warnings():
        # Drawing the reference boxes is meant to miss glyphs.
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        canvas.draw()
    return np.asarray(canvas.buffer_rgba()).copy()


def test_every_label_character_is_a_real_glyph_of_the_font():
    data, naming = sample_chart()
    figure = build_figure(data, chart_labels(data, naming, Scope(chat_id=DONGHU)))
    texts = drawn_texts(figure)
    words = " ".join(t.get_text() for t in texts)
    for expected in ("东湖社区联络群", "报告", "办结", "道路破损", "环境卫生", "路灯照明"):
        assert expected in words
    font = FT2Font(str(font_path()))
    assert font.get_char_index(ord(MISSING)) == 0, "the reference must really be missing"
    missing = [ch for ch in set(words) if not ch.isspace() and font.get_char_index(ord(ch)) == 0]
    assert missing == []
    chinese = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t.get_text())]
    assert chinese and all(t.get_fontproperties().get_file() == str(font_path())
                           for t in chinese)


def test_chinese_labels_do_not_draw_as_missing_glyph_boxes():
    latin_only = FontProperties(fname=str(LATIN_ONLY))
    without_glyphs = FT2Font(str(LATIN_ONLY))
    for word in ("道路破损", "报告", "办结", "东湖社区联络群"):
        assert all(without_glyphs.get_char_index(ord(ch)) == 0 for ch in word)
        boxes = rendered(word, latin_only)
        assert (boxes[..., :3] < 128).any(), "the reference draws visible boxes"
        assert not np.array_equal(rendered(word), boxes), f"{word!r} drew as boxes"
        for ch in word:
            assert not np.array_equal(rendered(ch), rendered(ch, latin_only))
            assert not np.array_equal(rendered(ch), rendered(MISSING))


def test_drawing_the_chart_warns_of_no_missing_glyph():
    data, naming = sample_chart()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = chart_png(data, chart_labels(data, naming, Scope(chat_id=DONGHU)))
    assert not [w for w in caught if "missing" in str(w.message).lower()]
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (1100, 480)


def test_the_english_chart_and_an_empty_category_panel():
    data, naming = sample_chart("en")
    empty = ChartData(data.days, data.reported, [0] * 14, [])
    figure = build_figure(empty, chart_labels(empty, naming, Scope(chat_id=DONGHU)))
    words = " ".join(t.get_text() for t in drawn_texts(figure))
    assert "Nothing was resolved" in words and "reported" in words
    assert render_png(figure).startswith(b"\x89PNG")


def test_the_chart_in_words_for_when_the_photo_cannot_be_sent():
    data, naming = sample_chart()
    text = chart_as_text(data, naming)
    assert text.splitlines() == [
        "📈 近14天 报告/办结：" + " · ".join(
            f"{d.month}/{d.day} {a}/{b}"
            for d, a, b in zip(data.days, data.reported, data.resolved, strict=True)),
        "⏳ 各类问题办结用时中位：道路破损 10 小时 0 分 · 环境卫生 2 小时 0 分 · "
        "路灯照明 1 小时 0 分",
    ]
