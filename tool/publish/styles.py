"""The web page's look, declared once: as a style sheet for the standalone page, and as inline
``style`` attributes for the CMS fragment (CMS editors strip ``<style>`` and classes, keep inline
styles). Fonts are the systems' own (no web fonts: nothing is fetched).
"""

from __future__ import annotations

from html import escape

SERIF = '"仿宋_GB2312","仿宋",FangSong,STFangsong,"Noto Serif CJK SC","Source Han Serif SC",serif'
SANS = '"Microsoft YaHei","微软雅黑","PingFang SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif'
TITLE = '"方正小标宋简体","方正小标宋_GBK","FZXiaoBiaoSong-B05S","宋体",SimSun,"Noto Serif CJK SC",serif'
HEI = '"黑体",SimHei,"Noto Sans CJK SC","Source Han Sans SC",sans-serif'
KAI = '"楷体_GB2312","楷体",KaiTi,STKaiti,"AR PL UKai CN",serif'

# name → declarations; ``.nb-<name>`` in the page, ``style="…"`` in the fragment
STYLES: dict[str, str] = {
    "report": f"font-family:{SANS};color:#1a1a1a;font-size:17px;line-height:1.9;max-width:52em;margin:0 auto",
    "draft": "color:#c00000;font-weight:bold;text-align:center;border:2px solid #c00000;padding:4px;margin:0 0 1em",
    "title": f"font-family:{TITLE};font-size:26px;font-weight:bold;text-align:center;line-height:1.5;margin:.6em 0 1em",
    "p": "text-indent:2em;margin:0 0 .4em;text-align:justify",
    "runin": f"font-family:{KAI};font-weight:bold",
    "h2": f"font-family:{HEI};font-size:19px;font-weight:bold;margin:1.2em 0 .5em",
    "scroll": "overflow-x:auto;margin:.5em 0 1em",
    "table": "border-collapse:collapse;width:100%;font-size:14px;line-height:1.5;text-indent:0",
    "caption": "position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap",
    "th": "border:1px solid #555;padding:4px 6px;background:#f2f2f2;font-weight:normal;text-align:center;vertical-align:middle",
    "group": "border:1px solid #555;padding:4px 6px;background:#e4e4e4;font-weight:bold;text-align:left",
    "rowhead": "border:1px solid #555;padding:4px 6px;background:#fafafa;font-weight:normal;text-align:left;vertical-align:middle",
    "note": "border:1px solid #555;padding:4px 6px;font-size:12px;color:#444;text-align:left;vertical-align:middle",
    "num": "border:1px solid #555;padding:4px 6px;text-align:center;vertical-align:middle;white-space:nowrap",
    "sign": "text-align:right;margin:0;text-indent:0",
    "files": "margin:2.5em auto 1em;max-width:52em;border-top:1px solid #ccc;padding-top:.8em;font-size:15px",
}

PRINT_CSS = f"""
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
@media print {{
  body {{ margin: 0; }}
  .nb-report {{ font-family: {SERIF}; font-size: 16pt; line-height: 28.9pt; max-width: none; }}
  .nb-title {{ font-size: 22pt; font-weight: normal; line-height: 1.4; }}
  .nb-h2 {{ font-size: 16pt; font-weight: normal; margin: 0; page-break-after: avoid; }}
  .nb-p {{ margin: 0; }}
  .nb-scroll {{ overflow: visible; }}
  .nb-table {{ font-size: 10.5pt; line-height: 1.35; page-break-inside: auto; }}
  .nb-table thead {{ display: table-header-group; }}
  .nb-table tr {{ page-break-inside: avoid; }}
  .nb-wide {{ font-size: 9pt; }}
  .nb-files {{ display: none; }}
}}
"""


class Styler:
    """``at("th")`` → ``class="nb-th"`` (page) or ``style="…"`` (fragment)."""

    def __init__(self, inline: bool):
        self.inline = inline

    def at(self, name: str, extra: str = "") -> str:
        if self.inline:
            return f'style="{escape(STYLES[name])}"'
        return f'class="nb-{name}{(" nb-" + extra) if extra else ""}"'


def stylesheet() -> str:
    screen = "\n".join(f".nb-{k} {{ {v}; }}" for k, v in STYLES.items())
    return ("body { margin: 0; padding: 24px 16px; background: #fff; }\n" + screen +
            "\n.nb-files a { margin-right: 1.2em; }\n" + PRINT_CSS)
