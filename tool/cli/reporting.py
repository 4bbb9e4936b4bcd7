"""Commands that write the year's results: report and demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.errors import UsageError
from .base import CONTEXT, Bar, fail, output_file, overwrite_option, rules_option, verbose_option


@click.command("report", context_settings=CONTEXT)
@click.argument("file", type=click.Path(dir_okay=False), required=False, metavar="[填报表]")
@click.option("--all", "all_dir", type=click.Path(file_okay=False), metavar="文件夹",
              help="为 collect 输出文件夹中所有通过校验的单位及汇总表生成报告（并行）")
@output_file("输出的 Word 文件，默认 output/<单位名称><年度>年政府信息公开工作年度报告.docx")
@click.option("--template", "template_path", type=click.Path(dir_okay=False), metavar="文件",
              help="自定义的报告模板（先用 nianbao docx-template 导出默认模板再修改）")
@click.option("--pdf", is_flag=True, help="同时转换为 PDF（需要 LibreOffice；没有时仍生成 Word 并说明如何得到 PDF）")
@click.option("--force", is_flag=True,
              help="校验有错误或内容不全（必填部分为空、没有落款日期）时仍然生成，文档每页页眉和标题上方标注“草稿（未通过校验）”")
@rules_option("本地规则文件（TOML）；不给时用填报表中下发时保存的规则，没有则按全国规则")
@verbose_option
@overwrite_option
def report_cmd(file: str | None, all_dir: str | None, output: str | None, template_path: str | None, pdf: bool,
               force: bool, rules: object, verbose: bool, overwrite: bool) -> None:
    """根据填好的填报表一键生成年度报告（Word，可选 PDF）。

    \b
    先按 check 的规则校验（含文字与表格是否一致、标题、前言等预审），并列出警告；还要求一、五部分（本级政府
    报告还有六）不为空、填写了落款日期。不满足时不生成（退出码 1），除非加 --force（生成草稿）。
    退出码：0 已生成；1 校验有错误或内容不全（--all：有单位未生成）；2 无法继续（文件无法读取、模板有问题）。
    \b
    示例：
      nianbao report 财政局2024.xlsx
      nianbao report 财政局2024.xlsx -o 财政局年报.docx --pdf
      nianbao report 财政局2024.xlsx --template 我局模板.docx
      nianbao report --all output/2024      （collect 之后，批量生成）
    """
    if all_dir:
        _report_all(Path(all_dir), template_path, pdf, rules, overwrite, force)
        return
    if not file:
        raise UsageError("请给出填报表文件，或用 --all <collect 的输出文件夹> 批量生成")
    from ..check.run import describe
    from ..report.make import make_report

    made = make_report(file, output=output, template=template_path, pdf=pdf, force=force, rules=rules,  # type: ignore[arg-type]
                       overwrite=overwrite)
    result = made.result
    if not result.readable:
        click.echo(describe(result, verbose), err=True)
        sys.exit(2)
    if result.ok and result.warnings:  # the preflight: what graders would mark, before the report is used
        click.echo(describe(result, verbose), err=True)
    if not result.ok:
        click.echo(describe(result, verbose), err=True)
        if made.refused:
            fail(f"{file} 还不能生成正式报告（问题见上）。请在填报表中改正、补全后重试，"
                 "或加 --force 生成标注“草稿（未通过校验）”的文档", 1)
        click.echo("注意：已按 --force 生成草稿，文档标注“草稿（未通过校验）”", err=True)
    assert made.docx is not None
    click.echo(f"已生成报告：{made.docx.resolve()}")
    for p in made.pdfs:
        click.echo(f"已生成 PDF：{p.resolve()}")
    if made.no_office:
        click.echo(made.no_office, err=True)
    click.echo(NEXT_STEP if result.ok else "下一步：改正填报表中的问题后重新运行 nianbao report，生成正式报告。")


NEXT_STEP = ("下一步：在 Word/WPS 中通读报告、核对数字，按规定审核、用印后，于期限内在政府信息公开专栏发布"
             "（部门为次年1月31日前，本级政府为3月31日前），并把公开网址填入填报表的“基本信息”。")


def _report_all(outdir: Path, template_path: str | None, pdf: bool, rules: object, overwrite: bool,
                force: bool) -> None:
    from ..report.make import make_all

    done = make_all(outdir, template=template_path, pdf=pdf, progress=Bar(), rules=rules,  # type: ignore[arg-type]
                    overwrite=overwrite, force=force)
    click.echo(f"已生成 {len(done.made)} 份报告：{done.folder.resolve()}")
    drafts = [d.name for d in done.made if d.draft]
    if drafts:
        click.echo(f"其中 {len(drafts)} 份是按 --force 生成的草稿：{'、'.join(drafts)}")
    if done.pdfs:
        click.echo(f"已转换为 PDF：{len(done.pdfs)} 份")
    if done.no_office:
        click.echo(done.no_office, err=True)
    for docx, why in done.pdf_failed.items():
        click.echo(f"未能转换为 PDF（Word 报告已保留）：{docx}：{why}", err=True)
    if done.failed:
        click.echo(f"未生成 {len(done.failed)} 份：", err=True)
        for d in done.failed:
            click.echo(f"  - {d.name}：{d.error}", err=True)
        click.echo("下一步：按上面的原因补全或改正（本级汇总填报表的文字部分和落款日期由办公室填写），再运行一次；"
                   "急需时可加 --force 先生成草稿。", err=True)
    if done.failed or done.pdf_failed:
        sys.exit(1)
    click.echo(NEXT_STEP)


@click.command(context_settings=CONTEXT)
@click.option("-o", "--output", "outdir", type=click.Path(file_okay=False), default="output/示例", show_default=True,
              help="输出文件夹")
@click.option("--no-pdf", is_flag=True, help="不转换 PDF（即使安装了 LibreOffice）")
@overwrite_option
def demo(outdir: str, no_pdf: bool, overwrite: bool) -> None:
    """用内置示例数据演示全过程：填报表 → 校验 → 年度报告，以及多部门下发、收集、汇总。

    \b
    示例数据是忻州市信访局《2019年度政府信息公开工作年度报告》（2019 试行格式）。
    示例：
      nianbao demo
    """
    from ..demo.run import run_demo
    from ..report.office import has_office

    out = Path(outdir)
    pdf = not no_pdf and has_office()
    made = run_demo(out, click.echo, pdf=pdf, overwrite=overwrite)
    if not pdf and not no_pdf:
        click.echo("（未安装 LibreOffice，跳过 PDF；安装方法见 README）")
    click.echo(f"完成：共生成 {len(made)} 个文件，在 {out}/ 下。")


COMMANDS = [report_cmd, demo]
