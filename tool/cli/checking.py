"""Commands that read submissions: check and collect."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..core.errors import UsageError
from .base import CONTEXT, Bar, json_option, output_dir, year_option


@click.command("check", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="填报表...")
@json_option("以 JSON 输出（总是一个列表，每个文件一项）")
@click.option("--last-year", "last_year", type=click.Path(dir_okay=False),
              help="上年的填报表（任一格式版本均可），用于跨年度核对")
@click.option("--annotate", "annotate_dir", type=click.Path(file_okay=False),
              help="为每个有问题的文件在此文件夹写一份标注了问题的副本（用于退回），原文件不变")
def check_cmd(files: tuple[str, ...], as_json: bool, last_year: str | None, annotate_dir: str | None) -> None:
    """校验填好的填报表：数字、勾稽关系、必填项、格式版本。

    \b
    退出码：0 没有错误（可以有警告）；1 有错误；2 文件无法读取或不是本系统的填报表。
    \b
    示例：
      nianbao check 财政局.xlsx
      nianbao check 收件/*.xlsx --json > 校验结果.json
      nianbao check 财政局2024.xlsx --last-year 财政局2023.xlsx
      nianbao check 收件/*.xlsx --annotate 退回/
    """
    from ..check.run import describe, exit_code, run_check

    results, annotated = run_check(files, last_year=last_year, annotate=annotate_dir)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1))
    else:
        for r in results:
            click.echo(describe(r))
    for path in annotated:
        click.echo(f"已写出标注副本：{path}", err=as_json)
    sys.exit(exit_code(results))


@click.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False), metavar="文件夹")
@click.option("--roster", type=click.Path(dir_okay=False), help="单位名单（xlsx 或 csv）；不给时按表内单位名称汇总")
@click.option("--org", help="本级单位名称（汇总表的单位名称），如 某某市人民政府")
@year_option("报告年度；默认取多数填报表的年度")
@click.option("--last-year", "last_dir", type=click.Path(file_okay=False), help="上年收集的填报表所在文件夹（跨年度校验）")
@output_dir("输出文件夹，默认 output/<年度>/")
@json_option("以 JSON 输出各单位状态")
@click.option("--jobs", type=click.IntRange(1, 64), help="并行进程数，默认为 CPU 核数")
def collect(folder: str, roster: str | None, org: str | None, year: int | None, last_dir: str | None,
            outdir: str | None, as_json: bool, jobs: int | None) -> None:
    """收集文件夹中各单位交回的填报表：谁未交、谁有错、汇总数据、退回件。

    \b
    示例：
      nianbao collect 收件箱 --roster 名单.xlsx --org 某某市人民政府 --year 2024
      nianbao collect 收件箱 --roster 名单.xlsx --json > 状态.json
    """
    from ..collect.run import run_collect
    from ..collect.summary import status_json

    if not Path(folder).is_dir():
        raise UsageError(f"找不到文件夹 {folder}")
    coll, out, text = run_collect(Path(folder), roster=roster, org=org, year=year, last_dir=last_dir,
                                  outdir=Path(outdir) if outdir else None, jobs=jobs, progress=Bar())
    if as_json:
        click.echo(json.dumps(status_json(coll, out), ensure_ascii=False, indent=1))
    else:
        click.echo(text)
        click.echo(f"结果已写入 {out}")
    sys.exit(0 if coll.all_passed else 1)


COMMANDS = [check_cmd, collect]
