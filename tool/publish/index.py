"""``publish --index``: the 历年年报 page of a 年报专栏, from the packages found under folders.

A package is a folder with ``发布清单.json`` (written last by ``publish``). The page lists each
organ's reports by year, newest first, with links to the web page, PDF, Word, 图解 and data,
relative to where the page is written. Pure HTML and CSS, nothing loaded from elsewhere.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..core.errors import UsageError
from ..core.files import write_atomic
from ..format import common
from .package import ORDER
from .styles import SANS, TITLE

MAX_FILES = 100_000  # bounded walk: a wrong folder (a whole disk) is a clear message, not a hang


@dataclass(frozen=True)
class Entry:
    org: str
    year: int
    title: str
    draft: bool
    folder: Path
    files: dict[str, str]
    mtime: float


def _vocab() -> dict:
    return common()["publish"]


def find(dirs: list[Path]) -> tuple[list[Entry], list[str]]:
    """Packages under ``dirs`` (newest of equal organ and year), and notes on what was skipped."""
    name = _vocab()["manifest"]
    seen: dict[tuple[str, int], Entry] = {}
    notes: list[str] = []
    count = 0
    for d in dirs:
        if not d.is_dir():
            raise UsageError(f"找不到文件夹 {d}")
        for root, _dirs, files in os.walk(d):
            count += len(files)
            if count > MAX_FILES:
                raise UsageError(f"{d} 下的文件超过 {MAX_FILES} 个，请指向存放发布包的文件夹")
            if name in files:
                e = _entry(Path(root) / name, notes)
                if e is None:
                    continue
                other = seen.get((e.org, e.year))
                if other is not None:
                    older, newer = sorted((other, e), key=lambda x: x.mtime)
                    notes.append(f"{e.org}{e.year}年有两个发布包，采用较新的 {newer.folder}，未采用 {older.folder}")
                    e = newer
                seen[(e.org, e.year)] = e
    return sorted(seen.values(), key=lambda e: (e.org, -e.year)), notes


def _entry(path: Path, notes: list[str]) -> Entry | None:
    try:
        doc = json.loads(path.read_text("utf-8"))
        files = {k: str(v) for k, v in doc["files"].items() if k in ORDER and isinstance(v, str)}
        entry = Entry(str(doc["org"]), int(doc["year"]), str(doc.get("title") or ""), bool(doc.get("draft")),
                      path.parent, files, path.stat().st_mtime)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        notes.append(f"{path} 无法读取或不是发布清单，已跳过")
        return None
    for k, f in files.items():  # names only, inside the package: a manifest cannot point elsewhere
        if Path(f).name != f or not (path.parent / f).is_file():
            notes.append(f"{path}：清单中的文件 {f} 不存在，已略去")
            entry.files.pop(k)
    return entry


def _href(target: Path, start: Path) -> str:
    try:
        rel = os.path.relpath(target.resolve(), start.resolve())
    except ValueError:  # another drive on Windows
        return target.resolve().as_uri()
    return "/".join(quote(part) for part in Path(rel).parts)


CSS = f"""
body {{ margin: 0; padding: 24px 16px; font-family: {SANS}; color: #1a1a1a; background: #fff; }}
main {{ max-width: 60em; margin: 0 auto; }}
h1 {{ font-family: {TITLE}; font-size: 26px; text-align: center; margin: .4em 0 1em; }}
h2 {{ font-size: 19px; border-left: 5px solid #b21f24; padding-left: .5em; margin: 1.5em 0 .6em; }}
table {{ border-collapse: collapse; width: 100%; font-size: 15px; }}
th, td {{ border: 1px solid #ccc; padding: 8px 10px; text-align: left; vertical-align: top; }}
thead th {{ background: #f6efe9; }}
td a {{ margin-right: 1em; white-space: nowrap; }}
.draft {{ color: #c00000; font-weight: bold; }}
@media print {{ @page {{ size: A4; margin: 20mm; }} a {{ color: inherit; text-decoration: none; }} }}
"""


def page(entries: list[Entry], out_dir: Path) -> str:
    v = _vocab()
    labels = {k: f["label"] for k, f in v["files"].items()}
    orgs = list(dict.fromkeys(e.org for e in entries))
    heading = f"{orgs[0]}{v['index_title']}" if len(orgs) == 1 else v["index_title"]
    parts = [f"<h1>{escape(heading)}</h1>"]
    for org in orgs:
        if len(orgs) > 1:
            parts.append(f"<h2>{escape(org)}</h2>")
        rows = []
        for e in (x for x in entries if x.org == org):
            main = e.files.get("html") or e.files.get("pdf") or e.files.get("docx")
            title = escape(e.title or f"{e.org}{e.year}")
            link = f'<a href="{_href(e.folder / main, out_dir)}">{title}</a>' if main else title
            if e.draft:
                link += ' <span class="draft">（草稿）</span>'
            others = " ".join(f'<a href="{_href(e.folder / e.files[k], out_dir)}">{escape(labels[k])}</a>'
                              for k in ORDER if k in e.files and k not in ("html", "fragment"))
            rows.append(f"<tr><th scope=\"row\">{escape(v['words']['index_year'].format(year=e.year))}</th>"
                        f"<td>{link}</td><td>{others}</td></tr>")
        parts.append(f"<table><caption style=\"text-align:left;padding:.3em 0\">{escape(org)}</caption>"
                     "<thead><tr><th scope=\"col\">年度</th><th scope=\"col\">年度报告</th>"
                     "<th scope=\"col\">其他格式与数据</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{escape(heading)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")


def build_index(dirs: list[str | Path], output: str | Path | None = None) -> tuple[Path, list[Entry], list[str]]:
    """Write the index page; returns its path, the packages listed and notes."""
    folders = [Path(d) for d in dirs]
    if not folders:
        raise UsageError("请给出存放发布包的文件夹")
    entries, notes = find(folders)
    if not entries:
        raise UsageError(_vocab()["words"]["index_empty"])
    out_dir = Path(output) if output else folders[0]
    target = out_dir / _vocab()["index"]
    return write_atomic(target, page(entries, out_dir).encode("utf-8")), entries, notes
