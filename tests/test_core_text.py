"""core.text.nfkc takes a shortcut for text NFKC maps character by character; it must equal NFKC exactly."""

import random
import unicodedata

from tool.core.text import nfkc, norm


def test_every_character_of_the_shortcut_normalises_as_nfkc():
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        assert nfkc(ch) == unicodedata.normalize("NFKC", ch), hex(cp)


def test_mixed_text_normalises_as_nfkc():
    rng = random.Random(7)
    pool = [chr(c) for c in [*range(0x20, 0x7F), *range(0x3000, 0x3020), *range(0xFF01, 0xFF66), *range(0x4E00, 0x4E30),
                             0x2014, 0x2018, 0x201C, 0x2026, 0xFB01, 0x2460, 0x0301, 0xF900, 0x2F00, 0x00A0, 0x3099]]
    for _ in range(20000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 40)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


def test_norm_of_a_report_sentence():
    assert norm("（一）依申请公开：共收到申请 ２５ 件。\u200b") == "(一)依申请公开:共收到申请25件。"
