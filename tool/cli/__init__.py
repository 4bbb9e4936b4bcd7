"""The ``nianbao`` command line: one short function per command, all text Chinese.

Each command parses its options, calls one library function, prints, and returns an exit code.
Heavy libraries are imported inside the commands that need them, so ``check`` starts fast.
"""

from __future__ import annotations

import click

from . import checking, forms, publishing, reporting, workspace
from .base import CONTEXT, Group


@click.group(cls=Group, context_settings=CONTEXT)
@click.option("--debug", is_flag=True, hidden=True, help="出错时显示完整的调用栈")
@click.version_option(package_name="nianbao", message="nianbao %(version)s")
def cli(debug: bool) -> None:
    """政府信息公开工作年度报告：生成填报表、校验、汇总、一键生成年度报告。

    \b
    常用流程：
      nianbao template --year 2024 --org 某某局 -o 填报表.xlsx   生成填报表
      nianbao check 填报表.xlsx                                 校验填好的表
      nianbao report 填报表.xlsx                                生成年度报告（docx）
      nianbao serve 工作台                                      网上报送工作台（先 workspace init）
      nianbao demo                                              用示例数据演示全过程
    """


for _cmd in (*forms.COMMANDS, *checking.COMMANDS, *reporting.COMMANDS, *publishing.COMMANDS, *workspace.COMMANDS):
    cli.add_command(_cmd)
for _cmd in [cli, *cli.commands.values(), *workspace.workspace.commands.values()]:  # the usage line in Chinese too
    _cmd.options_metavar = "[选项]"
cli.subcommand_metavar = "命令 [参数]..."


def main() -> None:
    cli(prog_name="nianbao")


__all__ = ["cli", "main"]
