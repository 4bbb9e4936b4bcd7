"""Commands around the forms: template, fields, export, roster-template, distribute, docx-template, codes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .base import (
    CONTEXT,
    Bar,
    format_option,
    json_option,
    org_option,
    output_dir,
    output_file,
    overwrite_option,
    rules_option,
    year_option,
)


@click.command(context_settings=CONTEXT)
@format_option
@year_option()
@org_option("单位名称")
@click.option("--data", "data_path", type=click.Path(dir_okay=False), help="预填数据（JSON，格式见 README）")
@output_file("输出文件，默认 output/ 下")
@overwrite_option
def template(fmt: str | None, year: int | None, org: str | None, data_path: str | None,
             output: str | None, overwrite: bool) -> None:
    """生成填报表（Excel 工作簿）。

    \b
    示例：
      nianbao template --year 2024 --org 某某市财政局 -o 财政局2024年填报表.xlsx
      nianbao template --format 2019 --year 2020 -o 2020年填报表.xlsx
      nianbao template --data 数据.json -o 预填的填报表.xlsx
    """
    from ..format.interchange import load_data
    from ..workbook.build import write_template

    data = load_data(data_path, fmt, year, org)
    out = write_template(data, output, inputs=[p for p in [data_path] if p], overwrite=overwrite)
    click.echo(f"已生成填报表：{out.resolve()}（{data.format} 格式）")


@click.command(context_settings=CONTEXT)
@format_option
@year_option("报告年度：按年度确定格式版本（与 --format 二选一）")
@json_option()
def fields(fmt: str | None, year: int | None, as_json: bool) -> None:
    """列出填报表中的全部字段：键、工作表、单元格、名称、标签路径、类型、单位。

    \b
    示例：
      nianbao fields --year 2024
      nianbao fields --format 2019 --json > 字段.json
    """
    from ..format.fieldlist import field_rows

    rows = field_rows(_version(fmt, year))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        kind = "输入" if r["input"] else ("合计（公式）" if r["computed"] else "锁定")
        unit = f"，单位：{r['unit']}" if r["unit"] else ""
        click.echo(f"{r['key']}\t{r['sheet']}!{r['cell']}\t{r['label_path']}\t{r['type_zh']}{unit}\t{kind}")


def _version(fmt: str | None, year: int | None) -> str:
    """The format version asked for: --format, else the one in force for --year, else the latest."""
    from ..core.errors import UsageError
    from ..format import for_year, latest

    if fmt and year and for_year(year).id != fmt:
        raise UsageError(f"{year} 年度应使用 {for_year(year).id} 格式，与 --format {fmt} 不符；二者给一个即可")
    return fmt or (for_year(year).id if year else latest().id)


@click.command("export", context_settings=CONTEXT)
@click.argument("file", type=click.Path(), metavar="填报表")
@click.option("--json/--csv", "as_json", default=True,
              help="--json：交换格式（默认，即 template --data 读入的格式）；--csv：表格数值，每个单元格一行")
@output_file("写入文件，而不是打印")
@overwrite_option
def export_cmd(file: str, as_json: bool, output: str | None, overwrite: bool) -> None:
    """导出填报表中的数据（JSON 与 template --data 的格式相同；CSV 每个数值一行）。

    \b
    示例：
      nianbao export 财政局.xlsx --json > 财政局.json
      nianbao export 财政局.xlsx --csv -o 财政局.csv
      nianbao template --data 财政局.json -o 重新生成.xlsx
    """
    from ..check.export import export_data, to_csv_text, to_json_text

    data = export_data(file)
    text = to_json_text(data) + "\n" if as_json else to_csv_text(data)
    if output:
        from ..core.ledger import write_output

        bom = b"" if as_json else b"\xef\xbb\xbf"  # Excel opens a CSV as UTF-8 only with a BOM
        write_output(output, bom + text.encode("utf-8"), inputs=[file], overwrite=overwrite)
        click.echo(f"已导出：{output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command("roster-template", context_settings=CONTEXT)
@output_file("输出文件", default="单位名单.xlsx", show_default=True)
@overwrite_option
def roster_template_cmd(output: str, overwrite: bool) -> None:
    """生成空白的单位名单（序号、单位名称、单位代码、曾用名、联系人、联系电话、邮箱）。

    \b
    示例：
      nianbao roster-template -o 名单.xlsx
    """
    from ..collect.roster import write_roster_template

    out = write_roster_template(output, overwrite=overwrite)
    click.echo(f"已生成单位名单模板：{out.resolve()}。请每行填写一个单位；曾用名用“、”分隔。"
               f"填好后运行 nianbao distribute {output} --year <年度> -o 下发。")


@click.command(context_settings=CONTEXT)
@click.argument("roster", type=click.Path(dir_okay=False), metavar="单位名单")
@year_option(required=True)
@format_option
@click.option("--last-year", "last_dir", type=click.Path(file_okay=False),
              help="上年收集的填报表所在文件夹：预填“上年结转”，并附上年参考表")
@output_dir("输出文件夹", required=True)
@rules_option("本地规则文件（TOML），存入每份填报表，各单位自查时按此规则校验")
@click.option("--workspace", "ws_dir", type=click.Path(file_okay=False),
              help="网上报送工作台：把每个单位的报送链接写入其填报表的“填报说明”")
@overwrite_option
def distribute(roster: str, year: int, fmt: str | None, last_dir: str | None, outdir: str, rules: object,
               ws_dir: str | None, overwrite: bool) -> None:
    """按单位名单为每个单位生成预填好的填报表。

    \b
    示例：
      nianbao distribute 名单.xlsx --year 2024 -o 下发
      nianbao distribute 名单.xlsx --year 2024 --last-year 2023年收回 -o 下发
      nianbao distribute 名单.xlsx --year 2024 --rules 本地规则.toml -o 下发
      nianbao distribute 名单.xlsx --year 2024 --workspace 工作台 -o 下发
    """
    from ..format.localrules import NATIONAL

    kw = {"fmt": fmt, "last_dir": last_dir, "progress": Bar(), "rules": rules or NATIONAL, "overwrite": overwrite}
    if ws_dir:
        from ..workspace.setup import distributed

        done = distributed(ws_dir, roster, year, Path(outdir), **kw)
    else:
        from ..collect.distribute import run_distribute

        done = run_distribute(roster, year, Path(outdir), **kw)  # type: ignore[arg-type]
    from ..core.text import name_list

    click.echo(f"已为 {len(done.paths)} 个单位生成填报表：{Path(outdir).resolve()}")
    if done.last_year is not None:
        missing = done.without_last_year
        click.echo(f"其中 {len(done.last_year)} 个单位已预填上年结转数" +
                   (f"；{len(missing)} 个单位未找到上年填报表：{name_list(missing)}" if missing else ""))
    if ws_dir:
        click.echo("每份填报表的“填报说明”中已写入该单位的报送链接（只发给该单位）")
        click.echo(f"下一步：把每个单位的填报表发给该单位，请其填写后用“填报说明”中的链接上传；进度用 nianbao serve {ws_dir} 查看。")
    else:
        click.echo(f"下一步：把每个单位的填报表（文件名以序号开头）发给该单位，请其填写、用 nianbao check 自查后交回；"
                   f"收回的文件放进一个收件箱文件夹，运行 nianbao collect 收件箱 --roster {roster} --year {year} "
                   "--org <本级单位名称>。")


@click.command("docx-template", context_settings=CONTEXT)
@format_option
@year_option("报告年度：按年度确定格式版本（与 --format 二选一）")
@output_file("输出的 Word 模板文件", required=True)
@overwrite_option
def docx_template_cmd(fmt: str | None, year: int | None, output: str, overwrite: bool) -> None:
    """导出默认的报告模板（Word），供本单位修改版式（红头、徽标、字体）后用 report --template 使用。

    \b
    模板中的 {{ v.字段键 }} 等标签由系统填写，请勿改动标签文字；字段键见 nianbao fields。
    示例：
      nianbao docx-template --year 2024 -o 我局模板.docx
      nianbao report 填报表.xlsx --template 我局模板.docx
    """
    from ..report.render import export_template

    version = _version(fmt, year)
    click.echo(f"已导出 {version} 格式的报告模板：{export_template(version, output, overwrite=overwrite)}")


@click.command(context_settings=CONTEXT)
@json_option()
def codes(as_json: bool) -> None:
    """列出全部校验结果代码：级别、名称和提示文字的模板（“这条提示是什么意思”）。

    \b
    示例：
      nianbao codes
      nianbao codes --json > 代码表.json
    """
    from ..check.codes import all_codes

    rows = all_codes()
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['code']}\t{r['level_zh']}\t{r['title']}\t{r['template']}")
    sys.stdout.flush()


@click.command("rules-template", context_settings=CONTEXT)
@output_file("输出文件", default="本地规则.toml", show_default=True)
def rules_template_cmd(output: str) -> None:
    """生成带说明的本地规则文件示例（期限、字数上限、必写内容、校验结果的级别）。

    \b
    修改后用 --rules 传给 check、distribute、collect、report。
    示例：
      nianbao rules-template -o 本地规则.toml
    """
    from ..format.localrules import write_sample

    click.echo(f"已生成本地规则示例：{write_sample(output)}。用记事本等修改后，以 --rules 使用。")


COMMANDS = [template, fields, export_cmd, roster_template_cmd, distribute, docx_template_cmd, codes, rules_template_cmd]
