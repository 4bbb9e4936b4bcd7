"""Lint a custom report template before rendering: tags, names, required tables and sections.

Works on the patched XML of report.Renderer (one ``<w:p>`` per line, so a Jinja line number is a
paragraph). Problems are Chinese sentences naming where they are (paragraph or table cell, with
the text around) and, for a misspelled name, the closest known one.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator

import jinja2
from jinja2 import nodes

from ..format import Spec
from .context import context_names

_PART_ZH = {"word/document.xml": "正文"}
_TAG = re.compile(r"<(/?)w:(tbl|tr|tc)[ >/]")


def _part_zh(part: str) -> str:
    if part in _PART_ZH:
        return _PART_ZH[part]
    return "页眉" if "header" in part else ("页脚" if "footer" in part else part)


def where(src: str, lineno: int | None, part: str = "word/document.xml") -> str:
    """“正文第12段（…text…）” or “正文第2个表格第3行第4列（…）” for a line of patched XML."""
    zh = _part_zh(part)
    if not lineno:
        return zh
    lines = src.split("\n")
    lineno = min(lineno, len(lines))
    para = sum(1 for ln in lines[:lineno] if ln.startswith("<w:p"))
    offset = sum(len(ln) + 1 for ln in lines[: lineno - 1])
    around = re.sub(r"<[^>]+>", "", lines[lineno - 1])[:40]
    stack: list[list[int]] = []
    n_tables = 0
    for m in _TAG.finditer(src, 0, offset):
        closing, tag = m.group(1), m.group(2)
        if tag == "tbl":
            if closing:
                stack.pop()
            else:
                n_tables += not stack
                stack.append([n_tables, 0, 0])
        elif stack and not closing:
            if tag == "tr":
                stack[-1][1] += 1
                stack[-1][2] = 0
            else:
                stack[-1][2] += 1
    place = f"第{stack[0][0]}个表格第{stack[-1][1]}行第{stack[-1][2]}列" if stack else f"第{para}段"
    return f"{zh}{place}（“{around}”）" if around else f"{zh}{place}"


def _chain(node: nodes.Node) -> tuple[str, list[str]] | None:
    """``v.a.b`` / ``v['a.b']`` → ('v', ['a', 'b']); None for anything else."""
    attrs: list[str] = []
    while True:
        if isinstance(node, nodes.Getattr):
            attrs.append(node.attr)
            node = node.node
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            attrs.extend(reversed(node.arg.value.split(".")))
            node = node.node
        elif isinstance(node, nodes.Name):
            return node.name, list(reversed(attrs))
        else:
            return None


def _walk(node: nodes.Node, inside_chain: bool = False) -> Iterator[tuple[nodes.Node, bool]]:
    """Every node, with whether it is the outermost node of an attribute chain."""
    is_access = isinstance(node, (nodes.Getattr, nodes.Getitem))
    yield node, is_access and not inside_chain
    for child in node.iter_child_nodes():
        yield from _walk(child, is_access and child is getattr(node, "node", None))


class _Where:
    """``where`` computed only when a problem is reported (it scans the XML)."""

    def __init__(self, src: str, lineno: int | None, part: str):
        self.args = (src, lineno, part)

    def __str__(self) -> str:
        return where(*self.args)

    __format__ = lambda self, spec: format(str(self), spec)  # noqa: E731


def _suggest(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f"，是否应为“{close[0]}”？" if close else ""


def lint_template(sources: dict[str, str], spec: Spec, env: jinja2.Environment) -> list[str]:
    """Problems of a template's parts (name → patched XML); an empty list means usable."""
    known = context_names(spec)
    problems: list[str] = []
    used: set[str] = set()
    for part, src in sources.items():
        try:
            ast = env.parse(src)
        except jinja2.TemplateSyntaxError as e:
            problems.append(f"{where(src, e.lineno, part)}：标签语法错误：{e.message}")
            continue
        assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
        assigned |= {"loop", *env.globals}
        for node, outermost in _walk(ast):
            at = _Where(src, node.lineno, part)
            if isinstance(node, (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
                problems.append(f"{at}：模板中不能引用其他文件（include、import、extends）")
                continue
            if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
                problems.append(f"{at}：不允许访问内部属性“{node.attr}”")
                continue
            if isinstance(node, nodes.Name) and node.ctx == "load" and node.name not in known.keys() | assigned:
                problems.append(f"{at}：未知的变量“{node.name}”{_suggest(node.name, sorted(known))}")
            if not outermost:
                continue
            chain = _chain(node)
            if chain is None or chain[0] not in known or not known[chain[0]]:
                continue
            root, attrs = chain
            dotted = ".".join(attrs)
            allowed = known[root]
            if dotted in allowed:
                used.add(f"{root}.{dotted}")
            elif not any(k.startswith(dotted + ".") for k in allowed):
                problems.append(f"{at}：未知的变量“{root}.{dotted}”"
                                f"{_suggest(f'{root}.{dotted}', sorted(f'{root}.{k}' for k in allowed))}")
    if problems and any("标签语法错误" in p for p in problems):
        return problems  # an unparsable part hides its tags: coverage would only mislead
    return problems + _coverage(spec, used)


def _coverage(spec: Spec, used: set[str]) -> list[str]:
    """Every table of the format, complete, and the required narrative sections."""
    out = []
    for s in spec.sections:
        if s.kind == "table":
            table = spec.tables[s.table]
            keys = [c.field for c in table.values]
            missing = [k for k in keys if f"v.{k}" not in used]
            if len(missing) == len(keys):
                out.append(f"缺少{table.sheet}“{s.title}”：模板中没有该表的数值标签（如 {{{{ v.{keys[0]} }}}}）")
            elif missing:
                names = "；".join(" › ".join(spec.fields[k].label_path) + f"（v.{k}）" for k in missing[:3])
                more = f" 等 {len(missing)} 个" if len(missing) > 3 else ""
                out.append(f"{table.sheet}“{s.title}”缺少数值：{names}{more}")
        elif s.required and f"text.{s.key}" not in used:
            out.append(f"缺少“{s.title}”的正文（{{%p for p in text.{s.key} %}} … {{%p endfor %}}）")
    return out
