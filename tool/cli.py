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

from .errors import NianbaoError, UsageError

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
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise UsageError(f"数据文件 {path} 不是有效的 UTF-8 JSON：{e}") from None
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
    stem = f"{data.org}{data.year or ''}".strip() or "空白"
    return f"{stem}年政府信息公开工作年度报告填报表.xlsx" if data.year else f"{stem}填报表_{data.format}.xlsx"


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


def main() -> None:
    cli(prog_name="nianbao")


if __name__ == "__main__":
    main()
