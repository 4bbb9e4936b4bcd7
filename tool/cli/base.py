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


class Group(click.Group):
    """Turns our exceptions, and any unexpected one, into a Chinese line (no traceback)."""

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


def year_option(help: str = "报告年度，如 2024", **kw: Any) -> Decorator:
    return click.option("--year", type=click.IntRange(2000, 2100), help=help, **kw)
