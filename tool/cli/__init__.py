"""The ``nianbao`` command line: one short function per command, all text Chinese.

Each command parses its options, calls one library function, prints, and returns an exit code.
Heavy libraries are imported inside the commands that need them, so ``check`` starts fast.
"""

from __future__ import annotations

import click

from . import checking, forms, publishing, reporting, workspace
from .base import CONTEXT, Group


@click.group(cls=Group, context_settings=CONTEXT, invoke_without_command=True)
@click.option("--debug", is_flag=True, hidden=True, help="出错时显示完整的调用栈")
@click.version_option(package_name="nianbao", message="nianbao %(version)s")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """政府信息公开工作年度报告：生成填报表、校验、汇总、一键生成年度报告。

    \b
    一年的工作流程（本级政府办公室）：
      1. nianbao roster-template -o 名单.xlsx                        准备单位名单，逐行填写
      2. nianbao distribute 名单.xlsx --year 2024 -o 下发             为每个单位生成预填好的填报表，发给各单位
      3. 各单位用 WPS/Excel 填写，用 nianbao check 填报表.xlsx 自查后交回
      4. nianbao collect 收件箱 --roster 名单.xlsx --org 某某市人民政府
                                                                     谁未交、谁有错、退回件、汇总表、本级汇总填报表
      5. 把退回件发给有错误的单位，改好后放回收件箱，再运行 collect
      6. 在本级汇总填报表中写好文字部分和落款日期，然后
         nianbao report --all output/2024 [--pdf]                    生成各单位和本级的年度报告
    \b
    网上报送（可选，代替收件箱）：
      nianbao workspace init 工作台 --roster 名单.xlsx --year 2024 --org 某某市人民政府
      nianbao serve 工作台                                          各单位用自己的链接上传，办公室在网页上看进度
    \b
    一个单位自己填报：
      nianbao template --year 2024 --org 某某局 -o 填报表.xlsx         生成填报表
      nianbao check 填报表.xlsx                                       校验填好的表
      nianbao report 填报表.xlsx [--pdf]                              生成年度报告（Word，可选 PDF）
    \b
    nianbao demo 用示例数据演示全过程；每个命令加 -h 查看说明和示例。
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


for _cmd in (*forms.COMMANDS, *checking.COMMANDS, *reporting.COMMANDS, *publishing.COMMANDS, *workspace.COMMANDS):
    cli.add_command(_cmd)
for _cmd in [cli, *cli.commands.values(), *workspace.workspace.commands.values()]:  # the usage line in Chinese too
    _cmd.options_metavar = "[选项]"
cli.subcommand_metavar = "命令 [参数]..."


def main() -> None:
    cli(prog_name="nianbao")


__all__ = ["cli", "main"]
