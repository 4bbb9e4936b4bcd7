"""The office's workspace: ``workspace init``, ``workspace links``, ``serve``."""

from __future__ import annotations

import json
import sys

import click

from .base import CONTEXT, Group, IntRange, output_file, year_option


@click.group("workspace", cls=Group, context_settings=CONTEXT)
def workspace() -> None:
    """网上报送工作台：建立工作台（台账和文件），生成各单位的报送链接。

    \b
    示例（一年的用法）：
      nianbao workspace init 工作台 --roster 名单.xlsx --year 2024 --org 某某市人民政府
      nianbao serve 工作台                         启动（显示办公室链接）
      nianbao workspace links 工作台 --base-url http://192.168.1.10:8000
      nianbao distribute 名单.xlsx --year 2024 --workspace 工作台 -o 下发
    """


@workspace.command("init", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False), metavar="文件夹")
@click.option("--roster", type=click.Path(dir_okay=False), required=True, help="单位名单（xlsx 或 csv）")
@year_option(required=True)
@click.option("--org", required=True, metavar="名称", help="本级单位名称，如 某某市人民政府")
@click.option("--rules", type=click.Path(dir_okay=False), help="本地规则文件（保存一份在工作台中）")
@click.option("--last-year", "last_dir", type=click.Path(file_okay=False), help="上年收集的填报表所在文件夹（跨年度核对）")
@click.option("--base-url", metavar="网址", help="各单位访问工作台的网址，如 http://192.168.1.10:8000（也可以以后在 links 中给出）")
def init_cmd(folder: str, roster: str, year: int, org: str, rules: str | None, last_dir: str | None,
             base_url: str | None) -> None:
    """建立工作台：台账（SQLite）、文件夹、办公室链接和每个单位的报送链接。

    \b
    链接由工作台中的密钥文件生成，台账中只保存链接的哈希值。
    示例：
      nianbao workspace init 工作台 --roster 名单.xlsx --year 2024 --org 某某市人民政府
      nianbao workspace init 工作台 --roster 名单.xlsx --year 2024 --org 某某市人民政府 --last-year 2023年收回
    """
    from ..workspace.setup import init_workspace

    made = init_workspace(folder, roster=roster, year=year, org=org, rules=rules, last_year=last_dir,
                          base_url=base_url)
    click.echo(f"已建立工作台：{made.workspace.root}（{made.units} 个单位）")
    if last_dir:
        click.echo(f"其中 {made.last_year} 个单位找到了上年的填报表，上传时将做跨年度核对")
    if made.rules:
        click.echo(f"本地规则文件已保存：{made.rules}，上传的填报表和汇总都按此规则校验")
    click.echo(f"下一步：nianbao serve {made.workspace.root}")


@workspace.command("links", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False), metavar="工作台")
@click.option("--base-url", metavar="网址", help="各单位访问工作台的网址，如 http://192.168.1.10:8000；给过一次后可以省略")
@click.option("--json", "as_json", is_flag=True, help='以 JSON 输出 {"office": 链接, "units": [{"seq", "name", "url"}]}')
@output_file("链接表的文件名，默认 工作台/链接.xlsx")
@click.option("--renew", multiple=True, metavar="序号", help="为这个单位重新签发链接（原链接立即失效），可多次给出")
@click.option("--renew-office", is_flag=True, help="重新签发办公室链接（原链接立即失效）")
def links_cmd(folder: str, base_url: str | None, as_json: bool, output: str | None, renew: tuple[str, ...],
              renew_office: bool) -> None:
    """生成报送链接表（链接.xlsx：单位、联系人、链接），由办公室分发给各单位。

    \b
    每个链接只能提交本单位的填报表；链接相当于密码，请分别发给各单位。
    示例：
      nianbao workspace links 工作台 --base-url http://192.168.1.10:8000
      nianbao workspace links 工作台 --json
      nianbao workspace links 工作台 --renew 3        （3 号单位的链接泄露了）
    """
    from ..workspace.setup import links, write_links
    from ..workspace.setup import renew as renew_links
    from ..workspace.space import Workspace

    ws = Workspace.open(folder)
    if renew or renew_office:
        renew_links(ws, list(renew), office=renew_office)
        click.echo(f"已重新签发：{'、'.join(renew) + ' 号单位' if renew else ''}{'办公室链接' if renew_office else ''}"
                   "（原链接已失效）", err=as_json)
    if as_json:
        click.echo(json.dumps(links(ws, base_url), ensure_ascii=False, indent=1))
        return
    path = write_links(ws, output, base_url)
    click.echo(f"已写出链接表：{path}（{len(ws.units())} 个单位）。请把每个链接只发给对应的单位")
    click.echo(f"办公室链接：{links(ws)['office']}")


@click.command("serve", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(file_okay=False), metavar="工作台")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听的地址；默认只有本机能访问，局域网访问用 0.0.0.0")
@click.option("--port", type=IntRange(0, 65535), metavar="端口号", default=8000, show_default=True, help="端口")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器")
def serve_cmd(folder: str, host: str, port: int, no_browser: bool) -> None:
    """启动网上报送工作台：各单位拖入填报表即得校验结果，办公室在浏览器中看报送情况、退回、催报、汇总。

    \b
    示例：
      nianbao serve 工作台                       本机使用，自动打开浏览器
      nianbao serve 工作台 --host 0.0.0.0        局域网内各单位访问
    """
    from ..workspace.serve import serve

    serve(folder, host=host, port=port, say=lambda s: click.echo(s) or sys.stdout.flush(),
          open_browser=not no_browser)


workspace.subcommand_metavar = "命令 [参数]..."
COMMANDS = [workspace, serve_cmd]
