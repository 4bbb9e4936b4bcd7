"""The ``nianbao`` command line: one short function per command, all text Chinese.

Each command parses its options, calls one library function, prints, and returns an exit
code. Exceptions from ``errors`` become one Chinese line and exit 2; ``--debug`` shows the
traceback. Heavy libraries are imported inside the commands that need them, so ``check``
starts fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .cli_zh import install as _chinese_click
from .errors import NianbaoError, UsageError

_chinese_click()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


class _Group(click.Group):
    """Turns our exceptions, and any unexpected one, into a Chinese line (no traceback)."""

    def invoke(self, ctx: click.Context) -> object:
        debug = "--debug" in sys.argv
        try:
            return super().invoke(ctx)
        except NianbaoError as e:
            if debug:
                raise
            _fail(e.message, e.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # output piped into head/less that closed early
            sys.stderr.close()
            sys.exit(0)
        except KeyboardInterrupt:
            _fail("已中断", 130)
        except Exception as e:  # the last line of defence for office staff
            if debug:
                raise
            _fail(f"程序内部错误（{type(e).__name__}: {e}）。请加 --debug 重新运行，并把输出发给技术支持。")
        return None


@click.group(cls=_Group, context_settings=CONTEXT)
@click.option("--debug", is_flag=True, hidden=True, help="出错时显示完整的调用栈")
@click.version_option(package_name="nianbao", message="nianbao %(version)s")
def cli(debug: bool) -> None:
    """政府信息公开工作年度报告：生成填报表、校验、汇总、一键生成年度报告。

    \b
    常用流程：
      nianbao template --year 2024 --org 某某局 -o 填报表.xlsx   生成填报表
      nianbao check 填报表.xlsx                                 校验填好的表
      nianbao report 填报表.xlsx                                生成年度报告（docx）
      nianbao demo                                              用示例数据演示全过程
    """


def format_option(f):  # type: ignore[no-untyped-def]
    from .spec import versions

    return click.option("--format", "fmt", type=click.Choice(list(versions())), default=None,
                        help="格式版本：2019（试行，用于2019、2020年度）或 2021（2021年度起）；默认按年度确定")(f)


def _load_data(path: str | None, fmt: str | None, year: int | None, org: str | None):  # type: ignore[no-untyped-def]
    """ReportData from --data (validated) with --format/--year/--org applied on top."""
    from .data import ReportData, from_json
    from .spec import for_year, load

    if path:
        try:
            obj = json.loads(Path(path).read_text("utf-8"))
        except FileNotFoundError:
            raise UsageError(f"找不到数据文件 {path}") from None
        except UnicodeDecodeError:
            raise UsageError(f"数据文件 {path} 不是 UTF-8 编码，请另存为 UTF-8 后重试") from None
        except json.JSONDecodeError as e:
            raise UsageError(f"数据文件 {path} 不是有效的 JSON：第{e.lineno}行第{e.colno}列附近有格式错误") from None
        data = from_json(obj, source=f"数据文件 {path}")
        if fmt and fmt != data.format:
            raise UsageError(f"数据文件 {path} 是 {data.format} 格式，与 --format {fmt} 不一致")
    else:
        data = ReportData(format=fmt or (for_year(year).id if year else load_default_version()))
    if year is not None:
        data.year = year
        if not fmt and not path:
            data.format = for_year(year).id
    if org is not None:
        data.org = org
    load(data.format)
    return data


def load_default_version() -> str:
    from .spec import versions

    return versions()[-1]


@cli.command(context_settings=CONTEXT)
@format_option
@click.option("--year", type=click.IntRange(2000, 2100), help="报告年度，如 2024")
@click.option("--org", help="单位名称")
@click.option("--data", "data_path", type=click.Path(dir_okay=False), help="预填数据（JSON，格式见 README）")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="输出文件，默认 output/ 下")
def template(fmt: str | None, year: int | None, org: str | None, data_path: str | None,
             output: str | None) -> None:
    """生成填报表（Excel 工作簿）。

    \b
    示例：
      nianbao template --year 2024 --org 某某市财政局 -o 财政局2024年填报表.xlsx
      nianbao template --format 2019 --year 2020 -o 2020年填报表.xlsx
      nianbao template --data 数据.json -o 预填的填报表.xlsx
    """
    from .files import output_dir, write_atomic
    from .workbook import build_workbook

    data = _load_data(data_path, fmt, year, org)
    out = Path(output) if output else output_dir() / _default_template_name(data)
    write_atomic(out, build_workbook(data), inputs=[p for p in [data_path] if p])
    click.echo(f"已生成填报表：{out}（{data.format} 格式）")


def _default_template_name(data) -> str:  # type: ignore[no-untyped-def]
    from .files import safe_name

    if data.year:
        return safe_name(data.spec.common.form_title(data.org, data.year)) + ".xlsx"
    return f"{safe_name(data.org) or '空白'}填报表_{data.format}.xlsx"


@cli.command(context_settings=CONTEXT)
@format_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def fields(fmt: str | None, as_json: bool) -> None:
    """列出填报表中的全部字段：键、工作表、单元格、名称、标签路径、类型、单位。

    \b
    示例：
      nianbao fields --format 2021
      nianbao fields --format 2019 --json > 字段.json
    """
    from .fieldlist import field_rows

    rows = field_rows(fmt or load_default_version())
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    for r in rows:
        kind = "输入" if r["input"] else ("合计（公式）" if r["computed"] else "锁定")
        unit = f"，单位：{r['unit']}" if r["unit"] else ""
        click.echo(f"{r['key']}\t{r['sheet']}!{r['cell']}\t{r['label_path']}\t{r['type']}{unit}\t{kind}")


@cli.command("check", context_settings=CONTEXT)
@click.argument("files", nargs=-1, required=True, type=click.Path(), metavar="填报表...")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（总是一个列表，每个文件一项）")
@click.option("--last-year", "last_year", type=click.Path(dir_okay=False),
              help="上年的填报表（2019 或 2021 格式均可），用于跨年度核对")
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
    from .check import check_files, describe, exit_code

    checked = check_files(files, last_year=last_year)
    results = [r for _, r in checked]
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=1))
    else:
        for r in results:
            click.echo(describe(r))
    if annotate_dir:
        from .annotate import annotate_all

        for path in annotate_all(checked, annotate_dir):
            click.echo(f"已写出标注副本：{path}", err=as_json)
    sys.exit(exit_code(results))


@cli.command("export", context_settings=CONTEXT)
@click.argument("file", type=click.Path(), metavar="填报表")
@click.option("--json", "as_json", is_flag=True, default=True, help="以 JSON 输出（默认，即 template --data 的数据格式）")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入文件，而不是打印")
def export_cmd(file: str, as_json: bool, output: str | None) -> None:
    """导出填报表中的数据（JSON，与 template --data 的格式相同）。

    \b
    示例：
      nianbao export 财政局.xlsx --json > 财政局.json
      nianbao template --data 财政局.json -o 重新生成.xlsx
    """
    from .check import export_data

    text = json.dumps(export_data(file).to_json(), ensure_ascii=False, indent=1)
    if output:
        from .files import write_atomic

        write_atomic(output, (text + "\n").encode("utf-8"), inputs=[file])
        click.echo(f"已导出：{output}", err=True)
    else:
        click.echo(text)


@cli.command("roster-template", context_settings=CONTEXT)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="单位名单.xlsx", show_default=True,
              help="输出文件")
def roster_template_cmd(output: str) -> None:
    """生成空白的单位名单（序号、单位名称、单位代码、曾用名、联系人、联系电话、邮箱）。

    \b
    示例：
      nianbao roster-template -o 名单.xlsx
    """
    from .files import write_atomic
    from .roster import roster_template

    write_atomic(output, roster_template())
    click.echo(f"已生成单位名单模板：{output}。请每行填写一个单位；曾用名用“、”分隔。")


@cli.command(context_settings=CONTEXT)
@click.argument("roster", type=click.Path(dir_okay=False), metavar="单位名单")
@click.option("--year", type=click.IntRange(2000, 2100), required=True, help="报告年度，如 2024")
@format_option
@click.option("--last-year", "last_dir", type=click.Path(file_okay=False),
              help="上年收集的填报表所在文件夹：预填“上年结转”，并附上年参考表")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), required=True, help="输出文件夹")
def distribute(roster: str, year: int, fmt: str | None, last_dir: str | None, outdir: str) -> None:
    """按单位名单为每个单位生成预填好的填报表。

    \b
    示例：
      nianbao distribute 名单.xlsx --year 2024 -o 下发
      nianbao distribute 名单.xlsx --year 2024 --last-year 2023年收回 -o 下发
    """
    from .distribute import distribute as run
    from .distribute import match_last_year, read_folder
    from .roster import read_roster

    units = read_roster(roster)
    last = match_last_year(units, read_folder(Path(last_dir))) if last_dir else None
    with click.progressbar(length=len(units), label="生成填报表", file=sys.stderr) as bar:
        paths = run(units, year, Path(outdir), fmt=fmt, last_year=last, progress=bar.update)
    click.echo(f"已为 {len(paths)} 个单位生成填报表：{outdir}")
    if last is not None:
        missing = [u.name for u in units if u.seq not in last]
        click.echo(f"其中 {len(last)} 个单位已预填上年结转数" +
                   (f"；{len(missing)} 个单位未找到上年填报表：{'、'.join(missing)}" if missing else ""))


@cli.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False), metavar="文件夹")
@click.option("--roster", type=click.Path(dir_okay=False), help="单位名单（xlsx 或 csv）；不给时按表内单位名称汇总")
@click.option("--org", help="本级单位名称（汇总表的单位名称），如 某某市人民政府")
@click.option("--year", type=click.IntRange(2000, 2100), help="报告年度；默认取多数填报表的年度")
@click.option("--last-year", "last_dir", type=click.Path(file_okay=False), help="上年收集的填报表所在文件夹（跨年度校验）")
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), help="输出文件夹，默认 output/<年度>/")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出各单位状态")
@click.option("--jobs", type=click.IntRange(1, 64), help="并行进程数，默认为 CPU 核数")
def collect(folder: str, roster: str | None, org: str | None, year: int | None, last_dir: str | None,
            outdir: str | None, as_json: bool, jobs: int | None) -> None:
    """收集文件夹中各单位交回的填报表：谁未交、谁有错、汇总数据、退回件。

    \b
    示例：
      nianbao collect 收件箱 --roster 名单.xlsx --org 某某市人民政府 --year 2024
      nianbao collect 收件箱 --roster 名单.xlsx --json > 状态.json
    """
    from .collect_run import run_collect

    if not Path(folder).is_dir():
        raise UsageError(f"找不到文件夹 {folder}")
    coll, out, text = run_collect(Path(folder), roster=roster, org=org, year=year, last_dir=last_dir,
                                  outdir=Path(outdir) if outdir else None, jobs=jobs, show_progress=True)
    if as_json:
        from .collect_run import status_json

        click.echo(json.dumps(status_json(coll, out), ensure_ascii=False, indent=1))
    else:
        click.echo(text)
        click.echo(f"结果已写入 {out}")
    sys.exit(0 if coll.all_passed else 1)


@cli.command("report", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False), required=False, metavar="[填报表]")
@click.option("--all", "all_dir", type=click.Path(file_okay=False),
              help="为 collect 输出文件夹中所有通过校验的单位及汇总表生成报告（并行）")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="输出的 Word 文件，默认 output/<单位名称><年度>年政府信息公开工作年度报告.docx")
@click.option("--template", "template_path", type=click.Path(dir_okay=False),
              help="自定义的报告模板（先用 nianbao docx-template 导出默认模板再修改）")
@click.option("--pdf", is_flag=True, help="同时转换为 PDF（需要 LibreOffice）")
@click.option("--force", is_flag=True, help="校验有错误时仍然生成，文档每页页眉和标题上方标注“草稿（未通过校验）”")
def report_cmd(file: str | None, all_dir: str | None, output: str | None, template_path: str | None, pdf: bool,
               force: bool) -> None:
    """根据填好的填报表一键生成年度报告（Word，可选 PDF）。

    \b
    先按 check 的规则校验；有错误时不生成（退出码 1），除非加 --force（生成草稿）。
    退出码：0 已生成；1 校验有错误；2 无法继续（文件无法读取、模板有问题、没有 LibreOffice）。
    \b
    示例：
      nianbao report 财政局2024.xlsx
      nianbao report 财政局2024.xlsx -o 财政局年报.docx --pdf
      nianbao report 财政局2024.xlsx --template 我局模板.docx
      nianbao report --all output/2024      （collect 之后，批量生成）
    """
    if all_dir:
        _report_all(Path(all_dir), template_path, pdf)
        return
    if not file:
        raise UsageError("请给出填报表文件，或用 --all <collect 的输出文件夹> 批量生成")
    from .check import check_files, describe
    from .report import Renderer, default_output_name

    if pdf:
        from .office import find_soffice

        find_soffice()  # before any work: no LibreOffice → exit 2 with how to install it
    ((sub, result),) = check_files([file])
    if sub is None or not result.readable:
        click.echo(describe(result), err=True)
        sys.exit(2)
    if not result.ok:
        click.echo(describe(result), err=True)
        if not force:
            _fail(f"{file} 未通过校验，未生成报告。请改正后重试，或加 --force 生成标注“草稿（未通过校验）”的文档", 1)
        click.echo("注意：已按 --force 生成草稿，文档标注“草稿（未通过校验）”", err=True)
    data = sub.data
    renderer = Renderer(template_path, data.format)
    from .files import output_dir, write_atomic

    out = Path(output) if output else output_dir() / default_output_name(data)
    inputs = [file, *([template_path] if template_path else [])]
    write_atomic(out, renderer.render(data, draft=not result.ok), inputs=inputs)
    click.echo(f"已生成报告：{out}")
    if pdf:
        from .office import convert

        for made in convert([out], "pdf", out.parent):
            click.echo(f"已生成 PDF：{made}")


def _report_all(outdir: Path, template_path: str | None, pdf: bool) -> None:
    from .report_all import jobs_from, render_all

    if pdf:
        from .office import find_soffice

        find_soffice()
    jobs, version = jobs_from(outdir, template_path)
    if template_path:
        from .report import Renderer

        Renderer(template_path, version)  # lint once, before the batch: a broken template is exit 2
    with click.progressbar(length=len(jobs), label="生成年度报告", file=sys.stderr) as bar:
        done = render_all(jobs, progress=bar.update)
    made = [d for d in done if d.out]
    failed = [d for d in done if d.error]
    click.echo(f"已生成 {len(made)} 份报告：{outdir / '报告'}")
    if pdf and made:
        from .office import convert

        convert([Path(d.out) for d in made], "pdf", outdir / "报告")
        click.echo(f"已转换为 PDF：{len(made)} 份")
    for d in failed:
        click.echo(f"未能生成：{d.name}：{d.error}", err=True)
    if failed:
        sys.exit(1)


@cli.command("docx-template", context_settings=CONTEXT)
@format_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="输出的 Word 模板文件")
def docx_template_cmd(fmt: str | None, output: str) -> None:
    """导出默认的报告模板（Word），供本单位修改版式（红头、徽标、字体）后用 report --template 使用。

    \b
    模板中的 {{ v.字段键 }} 等标签由系统填写，请勿改动标签文字；字段键见 nianbao fields。
    示例：
      nianbao docx-template --format 2021 -o 我局模板.docx
      nianbao report 填报表.xlsx --template 我局模板.docx
    """
    from .report import export_template

    version = fmt or load_default_version()
    click.echo(f"已导出 {version} 格式的报告模板：{export_template(version, output)}")


@cli.command(context_settings=CONTEXT)
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default="output/示例", show_default=True,
              help="输出文件夹")
@click.option("--no-pdf", is_flag=True, help="不转换 PDF（即使安装了 LibreOffice）")
def demo(outdir: str, no_pdf: bool) -> None:
    """用内置示例数据演示全过程：填报表 → 校验 → 年度报告，以及多部门下发、收集、汇总。

    \b
    示例数据是忻州市信访局《2019年度政府信息公开工作年度报告》（2019 试行格式）。
    示例：
      nianbao demo
    """
    from .demo import run_demo
    from .office import has_office

    out = Path(outdir)
    pdf = not no_pdf and has_office()
    made = run_demo(out, click.echo, pdf=pdf)
    if not pdf and not no_pdf:
        click.echo("（未安装 LibreOffice，跳过 PDF；安装方法见 README）")
    click.echo(f"完成：共生成 {len(made)} 个文件，在 {out}/ 下。")


for _cmd in [cli, *cli.commands.values()]:  # the usage line in Chinese too
    _cmd.options_metavar = "[选项]"
cli.subcommand_metavar = "命令 [参数]..."


def main() -> None:
    cli(prog_name="nianbao")


if __name__ == "__main__":
    main()
