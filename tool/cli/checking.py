"""Commands that read submissions: check and collect."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..core.errors import UsageError
from .base import (
    CONTEXT,
    Bar,
    IntRange,
    json_option,
    org_option,
    output_dir,
    overwrite_option,
    rules_option,
    verbose_option,
    year_option,
)


@click.command("check", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="填报表...")
@json_option("以 JSON 输出（总是一个列表，每个文件一项）")
@click.option("--last-year", "last_year", type=click.Path(dir_okay=False),
              help="上年的填报表（任一格式版本均可），用于跨年度核对、同比和与上年文字比较")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False),
              help="为每个有问题的文件在此文件夹写一份标注了问题的副本（用于退回），原文件不变")
@rules_option("本地规则文件（TOML）；不给时用填报表中下发时保存的规则，没有则按全国规则")
@verbose_option
@overwrite_option
def check_cmd(files: tuple[str, ...], as_json: bool, last_year: str | None, annotate_dir: str | None,
              rules: object, verbose: bool, overwrite: bool) -> None:
    """校验填好的填报表：数字、勾稽关系、必填项、格式版本，以及文字与表格是否一致、标题和前言是否规范。

    \b
    退出码：0 没有错误（可以有警告）；1 有错误；2 文件无法读取或不是本系统的填报表。
    \b
    示例：
      nianbao check 财政局.xlsx
      nianbao check 收件/*.xlsx --json > 校验结果.json
      nianbao check 财政局2024.xlsx --last-year 财政局2023.xlsx
      nianbao check 收件/*.xlsx --annotate 退回/
      nianbao check 财政局.xlsx --rules 本地规则.toml
    """
    from ..check.run import describe, exit_code, run_check

    results, annotated = run_check(files, last_year=last_year, annotate=annotate_dir, rules=rules,  # type: ignore[arg-type]
                                   overwrite=overwrite)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1))
    else:
        for r in results:
            click.echo(describe(r, verbose))
    for path in annotated:
        click.echo(f"已写出标注副本：{path}", err=as_json)
    sys.exit(exit_code(results))


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False), metavar="文件夹")
@click.option("--roster", type=click.Path(dir_okay=False), help="单位名单（xlsx 或 csv）；不给时按表内单位名称汇总")
@org_option("本级单位名称（汇总表的单位名称），如 某某市人民政府")
@year_option("报告年度；默认取多数填报表的年度")
@click.option("--last-year", "last_dir", type=click.Path(file_okay=False), help="上年收集的填报表所在文件夹（跨年度校验、同比、与上年文字比较）")
@output_dir("输出文件夹，默认 output/<年度>/")
@json_option("以 JSON 输出各单位状态")
@click.option("--deadline", metavar="日期", help="本级规定的报送期限，如 2025-01-15（进度表；分析表列出晚交的单位）；默认为部门年度报告的法定期限（次年1月31日）")
@click.option("--jobs", type=IntRange(1, 64), metavar="个数", help="并行进程数，默认为 CPU 核数")
@rules_option("本地规则文件（TOML），用于校验每份填报表并存入汇总填报表；不给时按全国规则")
@overwrite_option
def collect(folder: str, roster: str | None, org: str | None, year: int | None, last_dir: str | None,
            outdir: str | None, as_json: bool, deadline: str | None, jobs: int | None, rules: object,
            overwrite: bool) -> None:
    """收集文件夹中各单位交回的填报表：谁未交、谁有错、汇总数据、退回件，各单位文字雷同、同比与分析。

    \b
    示例：
      nianbao collect 收件箱 --roster 名单.xlsx --org 某某市人民政府 --year 2024
      nianbao collect 收件箱 --roster 名单.xlsx --json > 状态.json
    """
    from ..collect.run import run_collect
    from ..collect.summary import status_json

    if not Path(folder).is_dir():
        raise UsageError(f"找不到文件夹 {folder}")
    from ..format.localrules import NATIONAL

    coll, out, text = run_collect(Path(folder), roster=roster, org=org, year=year, last_dir=last_dir,
                                  outdir=Path(outdir) if outdir else None, jobs=jobs, progress=Bar(),
                                  rules=rules or NATIONAL, overwrite=overwrite, deadline=deadline)  # type: ignore[arg-type]
    if as_json:
        click.echo(json.dumps(status_json(coll, out), ensure_ascii=False, indent=1))
    else:
        click.echo(text)
    sys.exit(0 if coll.all_passed else 1)


@click.command("draft", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False), metavar="填报表")
@json_option()
@click.option("--claims", is_flag=True, help="另列出文字中读到的每个数字，以及它与表格中哪个数字一致（✔）或不一致（✘）")
def draft_cmd(file: str, as_json: bool, claims: bool) -> None:
    """根据填报表中的数字写出参考表述（依申请公开、行政复议和行政诉讼），可复制到文字部分。

    \b
    与填报表“文字部分”右侧“参考表述”单元格中的句子相同（那里随填写自动更新）。
    示例：
      nianbao draft 财政局2024.xlsx
      nianbao draft 财政局2024.xlsx --claims
    """
    from ..text.draft import claims_file, draft_file

    if claims:
        rows = claims_file(file)
        if as_json:
            click.echo(json.dumps([{"where": w, "quote": q, "agrees": ok, "table": t} for w, q, ok, t in rows],
                                  ensure_ascii=False, indent=1))
            return
        for w, q, ok, t in rows:
            click.echo(f"{'✔' if ok else '✘'} {w}：“{q}”{'＝' if ok else '≠'} {t}")
        if not rows:
            click.echo("文字中没有读到与表格对应的数字")
        return

    data, said, unread = draft_file(file)
    if as_json:
        click.echo(json.dumps([{"title": t, "text": s} for t, s in said], ensure_ascii=False, indent=1))
        return
    click.echo(f"{data.org}{data.year or ''}年度 参考表述：")
    for title, text in said:
        click.echo(f"【{title}】\n{text}")
    if unread:
        click.echo(f"注意：有 {unread} 个数字单元格无法读取，按 0 计；请先用 nianbao check 校验", err=True)


COMMANDS = [check_cmd, collect, draft_cmd]
