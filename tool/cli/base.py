"""The click group, the options shared by several commands (declared once here), and the bar that
draws a library's ``Progress``.

Exceptions from ``core.errors`` become one Chinese line with their exit code; anything else is
"程序内部错误" with exit 2; ``--debug`` shows the traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from ..core.errors import NianbaoError
from ..core.progress import Progress
from .zh import install as _chinese_click

_chinese_click()

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def fail(message: str, code: int = 2) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(code)


WORKFLOW = ("roster-template", "distribute", "template", "check", "collect", "report", "workspace", "serve", "export", "fields",
            "docx-template", "codes", "demo")


class Group(click.Group):
    """Turns our exceptions, and any unexpected one, into a Chinese line (no traceback); lists the
    commands in the order of the year's work, not alphabetically."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: WORKFLOW.index(n) if n in WORKFLOW else len(WORKFLOW))

    def invoke(self, ctx: click.Context) -> object:
        debug = "--debug" in sys.argv
        try:
            return super().invoke(ctx)
        except NianbaoError as e:
            if debug:
                raise
            fail(e.message, e.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:  # output piped into head/less that closed early
            sys.stderr.close()
            sys.exit(0)
        except KeyboardInterrupt:
            fail("已中断", 130)
        except Exception as e:  # the last line of defence for office staff
            if debug:
                raise
            fail(f"程序内部错误（{type(e).__name__}: {e}）。请加 --debug 重新运行，并把输出发给技术支持。")
        return None


class Bar(Progress):
    """A click progress bar on stderr (stdout stays clean for --json)."""

    def __init__(self) -> None:
        self._bar: Any = None

    def start(self, total: int, label: str) -> None:
        self._bar = click.progressbar(length=total, label=label, file=sys.stderr)
        self._bar.__enter__()

    def step(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def done(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


# -- options shared by several commands ---------------------------------------------------------

def format_option(f: Callable[..., Any]) -> Callable[..., Any]:
    from ..format import versions

    return click.option("--format", "fmt", type=click.Choice(list(versions())), default=None,
                        help="格式版本（" + "、".join(versions()) + "）；默认按报告年度确定")(f)


def json_option(help: str = "以 JSON 输出") -> Decorator:
    return click.option("--json", "as_json", is_flag=True, help=help)


def output_file(help: str, **kw: Any) -> Decorator:
    return click.option("-o", "--output", type=click.Path(dir_okay=False), help=help, **kw)


def output_dir(help: str, **kw: Any) -> Decorator:
    return click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), help=help, **kw)


def _load_rules(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Any:
    from ..format.localrules import load_rules

    return load_rules(value) if value else None


def rules_option(help: str = "本地规则文件（TOML，用 nianbao rules-template 生成示例）；不给时按全国规则") -> Decorator:
    """``--rules FILE``: read and validated while the options are parsed (a broken file: exit 2, its line)."""
    return click.option("--rules", "rules", type=click.Path(dir_okay=False), callback=_load_rules,
                        metavar="规则文件", help=help)


class IntRange(click.IntRange):
    """click's IntRange in Chinese: "'abc' 不是有效的整数", "2000～2100" (click names it "integer range")."""

    name = "整数"

    def _describe_range(self) -> str:
        if self.min is not None and self.max is not None:
            return f"{self.min}～{self.max}"
        return f"不小于 {self.min}" if self.min is not None else f"不大于 {self.max}"


def year_option(help: str = "报告年度，如 2024", **kw: Any) -> Decorator:
    return click.option("--year", type=IntRange(2000, 2100), metavar="年份", help=help, **kw)


def org_option(help: str) -> Decorator:
    return click.option("--org", metavar="名称", help=help)


def overwrite_option(f: Callable[..., Any]) -> Callable[..., Any]:
    """The one overwrite convention (``core.ledger``): without it, a file that is not what nianbao
    last wrote there (a filled roster or workbook, an edited report) is never replaced."""
    return click.option("--overwrite", is_flag=True,
                        help="允许覆盖已存在、且已被填写或修改过的输出文件（默认拒绝覆盖，以免丢失）")(f)


def verbose_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--verbose", "-v", is_flag=True,
                        help="每条问题后显示其代码（如 [T3_BALANCE]；含义见 nianbao codes）")(f)
