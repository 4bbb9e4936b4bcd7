"""The publish command: the publication package, for one workbook, a collect folder, or the index."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import UsageError
from .base import CONTEXT, Bar, fail


@click.command("publish", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(), metavar="[填报表 | 文件夹...]")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False),
              help="输出文件夹；默认 output/发布/<报告名称>/（--index 时默认第一个文件夹）")
@click.option("--all", "all_dir", type=click.Path(file_okay=False),
              help="为 collect 输出文件夹中所有通过校验的单位及汇总表生成发布包（并行）")
@click.option("--index", "index", is_flag=True, help="为所给文件夹中的发布包生成“历年年报”索引页")
@click.option("--last-year", "last_year", type=click.Path(),
              help="上年的填报表（--all 时为上年 collect 的输出文件夹），图解中与上年对比")
@click.option("--template", "template_path", type=click.Path(dir_okay=False), help="自定义的报告模板（Word）")
@click.option("--no-pdf", is_flag=True, help="不转换报告的 PDF（即使安装了 LibreOffice）")
@click.option("--force", is_flag=True, help="校验有错误时仍然生成，各文件标注“草稿（未通过校验）”")
def publish_cmd(paths: tuple[str, ...], output: str | None, all_dir: str | None, index: bool,
                last_year: str | None, template_path: str | None, no_pdf: bool, force: bool) -> None:
    """生成网站发布包：网页版、网页片段、数据（CSV/JSON）、图解（PNG/PDF/长图）、Word 与 PDF。

    \b
    先按 check 的规则校验；有错误时不生成（退出码 1），除非加 --force（生成草稿）。
    退出码：0 已生成；1 校验有错误或有单位未能生成；2 无法继续（文件无法读取、模板有问题、缺少中文字体）。
    \b
    示例：
      nianbao publish 财政局2024.xlsx -o 发布/2024
      nianbao publish 财政局2024.xlsx --last-year 财政局2023.xlsx
      nianbao publish --all output/2024                 （collect 之后，批量生成）
      nianbao publish --index 发布/2022 发布/2023 发布/2024 -o 发布   （历年年报索引页）
    """
    if index:
        _index(paths, output)
    elif all_dir:
        _all(Path(all_dir), last_year, template_path, not no_pdf)
    else:
        if len(paths) != 1:
            raise UsageError("请给出一个填报表文件，或用 --all <collect 的输出文件夹> 批量生成，或 --index <文件夹…>")
        _one(paths[0], output, last_year, template_path, not no_pdf, force)


def _one(file: str, output: str | None, last_year: str | None, template: str | None, pdf: bool, force: bool) -> None:
    from ..check.run import describe
    from ..publish.make import publish_file

    pub = publish_file(file, output=output, last_year=last_year, template=template, force=force, pdf=pdf)
    result = pub.result
    if result is not None and not result.readable:
        click.echo(describe(result), err=True)
        sys.exit(2)
    if result is not None and not result.ok:
        click.echo(describe(result), err=True)
        if pub.refused:
            fail(f"{file} 未通过校验，未生成发布包。请改正后重试，或加 --force 生成标注“草稿（未通过校验）”的文件", 1)
        click.echo("注意：已按 --force 生成草稿，各文件标注“草稿（未通过校验）”", err=True)
    click.echo(f"已生成发布包：{pub.folder}")
    for kind, path in pub.files.items():
        click.echo(f"  {path.name}" if kind != "manifest" else f"  {path.name}（清单）")
    for note in pub.notes:
        click.echo(f"提示：{note}", err=True)


def _all(outdir: Path, last_dir: str | None, template: str | None, pdf: bool) -> None:
    from ..publish.make import publish_all

    done = publish_all(outdir, last_dir=last_dir, template=template, pdf=pdf, progress=Bar())
    click.echo(f"已生成 {len(done.made)} 个发布包：{done.folder}")
    for p in done.failed:
        click.echo(f"未能生成：{p.name}：{p.error}", err=True)
    notes = [(p.name, n) for p in done.made for n in p.notes]
    for name, note in notes[:50]:
        click.echo(f"提示：{name}：{note}", err=True)
    if done.failed or any(p.pdf_error for p in done.made):
        sys.exit(1)


def _index(paths: tuple[str, ...], output: str | None) -> None:
    from ..publish.index import build_index

    page, entries, notes = build_index(list(paths), output)
    for note in notes:
        click.echo(f"提示：{note}", err=True)
    click.echo(f"已生成索引页：{page}（{len(entries)} 份年度报告）")


COMMANDS = [publish_cmd]
