"""The finding catalog: every code a user can meet, with its level, a short title and its message.

A finding is a record (code, level, sheet, cell, expected, actual, related …); its Chinese
message is the catalog template rendered with the record's fields (``findings.make``). Codes
are stable ASCII ids; relation codes (T3_BALANCE …) come from the format data and share one
template per relation kind. ``nianbao codes`` prints this catalog.

Template tokens: {file} the file as shown, {sheet} {cell}, {where} (表三 D30（…）), {expected},
{actual}, {label}, {title} and the parameters each code documents by using them. A missing token
renders as an empty string, so a message always renders.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

LEVELS = ("error", "warning", "info")
LEVEL_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

SAVE_AS = "请用 WPS、Excel 或 LibreOffice 打开它，选择“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”，然后重新提交"
_SNIPPETS = {"save_as": SAVE_AS}


@dataclass(frozen=True)
class Code:
    """One catalog entry. ``variants``: other templates of the same code, chosen by a variant name or by
    the level (when a code's level depends on context, e.g. TEXT_REQUIRED for a 本级政府 report)."""

    code: str
    level: str
    title: str
    template: str
    variants: dict[str, str] = field(default_factory=dict)

    def template_for(self, level: str, variant: str = "") -> str:
        return self.variants.get(variant) or self.variants.get(level, self.template)


_FILE = "error"
_ENTRIES = [
    # -- files that cannot be read (exit 2): one code per cause ------------------------------
    Code("FILE_EMPTY", _FILE, "文件是空的", "{file}：文件是空的（0 字节），可能没有保存成功或传输中断；请重新保存后再提交"),
    Code("FILE_TOO_LARGE", _FILE, "文件太大",
         "{file}：文件太大（{size_mb} MB，上限 {limit_mb} MB），不像是填报表；请删除表中插入的图片或多余内容后另存为 .xlsx 再提交"),
    Code("FILE_ENCRYPTED", _FILE, "文件已加密",
         "{file}：文件设置了打开密码（已加密），无法读取；请打开文件后取消密码"
         "（Excel：文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码；WPS：文件 → 文档加密），保存后重新提交"),
    Code("FILE_PASSWORD", _FILE, "文件设置了密码", "{file}：文件设置了密码，无法读取；请取消密码后保存，再重新提交"),
    Code("FILE_WPS_ET", _FILE, "WPS 专有格式", "{file}：这是 WPS 表格专有格式（.et），无法读取；{save_as}"),
    Code("FILE_WEB_PAGE", _FILE, "网页或 XML 文件",
         "{file}：这是网页或 XML 文件（可能是另存为“网页”或“XML 表格”的结果），不是 Excel 工作簿；{save_as}"),
    Code("FILE_CSV", _FILE, "CSV 文件",
         "{file}：CSV 文件不含填报表的结构；请用 nianbao template 生成的填报表填写，并保存为 .xlsx"),
    Code("FILE_NOT_SPREADSHEET", _FILE, "不是电子表格",
         "{file}：不是电子表格文件（既不是 .xlsx/.ods，也不是 .xls）；如果它是用其他软件做的表格，{save_as}"),
    Code("FILE_ZIP_CORRUPT", _FILE, "文件已损坏",
         "{file}：文件已损坏（压缩结构不完整），可能是下载或传输中断；请用 Excel/WPS 打开原文件重新保存后再提交"),
    Code("FILE_TOO_MANY_PARTS", _FILE, "部件过多", "{file}：文件内部包含 {count} 个部件，不是正常的填报表，已拒绝读取"),
    Code("FILE_ZIP_BOMB", _FILE, "疑似压缩炸弹",
         "{file}：文件解压后异常巨大（约 {size_mb} MB，压缩比 {ratio}∶1），可能是恶意构造的压缩包，已拒绝读取"),
    Code("FILE_WORD", _FILE, "Word 文档",
         "{file}：这是 Word 文档（.docx），不是填报表；请提交用 nianbao template 生成并填好的 Excel 填报表"),
    Code("FILE_POWERPOINT", _FILE, "PowerPoint 文稿", "{file}：这是 PowerPoint 演示文稿，不是填报表"),
    Code("FILE_ODF_NOT_SHEET", _FILE, "不是 ODS 表格", "{file}：这是 OpenDocument 文档但不是电子表格；{save_as}"),
    Code("FILE_PLAIN_ZIP", _FILE, "普通压缩包", "{file}：是一个压缩包（.zip），不是 Excel 工作簿；请解压后提交其中的填报表"),
    Code("FILE_XLS_BROKEN", _FILE, "xls 无法解析", "{file}：旧版 Excel（.xls）文件无法解析（{cause}）；{save_as}"),
    Code("FILE_BROKEN", _FILE, "文件已损坏", "{file}：文件内容已损坏，无法解析（{cause}）；{save_as}"),
    Code("FILE_SHEET_BROKEN", _FILE, "工作表已损坏", "{file}：工作表“{sheet}”的内容已损坏，无法解析（{cause}）；{save_as}"),
    Code("FILE_NOT_OURS", _FILE, "不是本系统的填报表",
         "{file}：不是本系统生成的填报表（没有“{meta_sheet}”元数据工作表，表格标签也对不上），可能是旧版或自制的表格；"
         "请用 nianbao template 生成的填报表重新填写"),
    Code("FILE_SHEET_TOO_FAR", _FILE, "表格范围异常",
         "{file}：工作表中 {cell} 附近有内容，远远超出填报表的范围，无法读取；请删除这些单元格中的内容后保存，或在原填报表中重新填写"),
    Code("FILE_ZIP_METHOD", _FILE, "不支持的压缩方式", "{file}：文件中的部件（{member}）使用了不支持的压缩方式，无法读取；{save_as}"),
    Code("FILE_CRASHED", _FILE, "读取时异常终止",
         "{file}：读取时解析程序异常终止（{cause}），文件可能已损坏或含有异常巨大的内容；{save_as}"),
    Code("FILE_TIMEOUT", _FILE, "读取超时",
         "{file}：读取超过 {seconds} 秒仍未完成，已放弃；文件可能已损坏或含有异常巨大的内容；{save_as}"),
    Code("FILE_NOT_REGULAR", _FILE, "不是普通文件", "{file}：不是普通文件（可能是管道、设备或其他特殊文件），已跳过"),
    Code("FILE_LINK_BROKEN", _FILE, "链接失效", "{file}：是一个快捷方式（链接），但它指向的文件不存在"),
    Code("FILE_NOT_FOUND", _FILE, "找不到文件", "找不到文件 {file}"),
    Code("FILE_IS_FOLDER", _FILE, "是文件夹",
         "{file} 是文件夹，不是文件。要处理文件夹中各单位交回的全部填报表，请运行 nianbao collect {file}"
         "（收集、校验并汇总）；只想逐个校验，请运行 nianbao check {file}/*.xlsx"),
    Code("FILE_OS_ERROR", _FILE, "无法打开", "{file}：无法打开（{reason}）"),
    # -- attachments (collect) ------------------------------------------------------------------
    Code("ZIP_CORRUPT", _FILE, "压缩包已损坏", "{file}：压缩包已损坏或不完整，无法打开；请重新发送或解压后放入文件夹"),
    Code("ZIP_TOO_LARGE", _FILE, "压缩包过大", "{file}：压缩包过大（{count} 个文件，解压后 {size_mb} MB），请解压后放入文件夹"),
    Code("ZIP_MEMBER_BOMB", _FILE, "疑似压缩炸弹", "{file}：压缩包中的文件过大或压缩比异常（疑似压缩炸弹），已跳过"),
    Code("ZIP_NESTED_TOO_DEEP", _FILE, "压缩包嵌套过深", "{file}：压缩包里的压缩包里又有压缩包，只读取一层；请解压后把填报表放入文件夹"),
    Code("ZIP_PASSWORD", _FILE, "压缩包有密码", "{file}：压缩包设置了密码，请解压后把填报表放入文件夹"),
    Code("ARCHIVE_UNSUPPORTED", _FILE, "不支持的压缩包", "{file}：不支持此类压缩包，请先解压，再把填报表放入文件夹"),
    # -- reading: the workbook's structure ---------------------------------------------------------
    Code("STRUCT_SHEET_MISSING", "error", "缺少工作表",
         "缺少工作表“{sheet}”（工作簿中现有：{actual}）；请使用原填报表，不要删除或改名工作表",
         variants={"renamed": "缺少工作表“{sheet}”（工作簿中现有：{actual}）；工作表“{renamed}”看起来就是它，请把工作表名改回“{sheet}”"}),
    Code("STRUCT_LABEL_MOVED", "error", "表格标签位置不符",
         "{sheet} {cell}：此处应为“{expected}”，实际为“{actual}”（本表共 {count} 处标签位置不符）。"
         "可能插入或删除了行、列，或改动了表头；为免读错数据，本表的数字未读取。请在原填报表中填写，不要增删行列"),
    Code("STRUCT_META_MISSING", "warning", "元数据表被删除",
         "隐藏的元数据工作表“{sheet}”已被删除，已按表格标签识别为 {version} 格式；请尽量使用原填报表"),
    Code("STRUCT_OTHER_FORMAT", "error", "格式版本混用",
         "元数据写明是 {expected} 格式，但表格是 {actual} 格式，已按 {actual} 格式读取；请不要在不同格式的填报表之间复制工作表"),
    # -- reading: values ---------------------------------------------------------------------------
    Code("VALUE_NOT_NUMBER", "error", "不是数字",
         "{where}：“{actual}”不是数字；请填写数字（没有的填 0，或留空、填“—”“无”，均按 0 计）"),
    Code("VALUE_TOO_LARGE", "error", "数字位数过多",
         "{where}：“{actual}”位数太多，不是报告中可能出现的数字；请检查是否多打了数字"),
    Code("VALUE_IMPLAUSIBLE", "error", "数字超出合理范围",
         "{where}：{actual} 超出合理范围（不应超过 {expected}{unit}），请检查是否多打了数字或填错了单位"),
    Code("TOTAL_NOT_NUMBER", "error", "合计单元格不是数字",
         "{where}：合计单元格中是“{actual}”，不是数字。这是自动计算的合计单元格，可能被手工改写；请恢复公式，或清空该单元格"),
    Code("VALUE_BLANK", "info", "空白按 0 计", "{sheet}：{count} 个单元格为空白或填了“—”“无”等，均按 0 计"),
    Code("VALUE_FORMULA_ERROR", "error", "公式出错",
         "{where}：公式出错（={formula} 的结果是 {actual}），请填写数字"),
    Code("VALUE_FORMULA_UNCACHED", "warning", "公式没有计算结果",
         "{where}：是公式（={formula}），但文件中没有保存它的计算结果（多见于程序生成的文件），已按 0 计；"
         "请用 WPS、Excel 或 LibreOffice 打开后保存，或直接填写数字"),
    # -- rules: values -------------------------------------------------------------------------------
    Code("VALUE_NOT_INTEGER", "error", "应为整数", "{where}：应为整数，实际为 {actual}"),
    Code("VALUE_NEGATIVE", "error", "不能为负数", "{where}：不能为负数，实际为 {actual}"),
    Code("VALUE_BELOW_MIN", "error", "小于下限", "{where}：不能小于 {expected}，实际为 {actual}"),
    Code("VALUE_DECIMALS", "error", "小数位数过多", "{where}：最多保留 {decimals} 位小数，实际为 {actual}"),
    Code("VALUE_UNIT_SUSPECT", "warning", "单位可能填错",
         "{where}：{actual}{unit}偏大，像是按“{slip}”填写的；本项单位是“{unit}”，如果 {actual} 是以{slip}计的金额，"
         "应填 {suggest}"),
    # -- rules: the report as a whole --------------------------------------------------------------
    Code("FMT_CURRENT_VERSION", "error", "格式版本与年度不符",
         "{year} 年度应使用 {expected} 格式（{doc}），本表是 {actual} 格式；请用 nianbao template --year {year} 生成新的填报表重新填写"),
    Code("INFO_REQUIRED", "error", "必填项为空", "{sheet} {cell}（{label}）：必须填写"),
    Code("INFO_YEAR_INVALID", "error", "报告年度无法识别", "{sheet} {cell}（{label}）：“{actual}”无法识别，应为四位年份，如 2024"),
    Code("INFO_KIND_INVALID", "warning", "报告类型无法识别",
         "{sheet} {cell}（{label}）：“{actual}”无法识别，应为 {kinds}，已按“{default_kind}”处理"),
    Code("TEXT_REQUIRED", "error", "文字部分为空", "{sheet} {cell}（{title}）：内容不能为空{note}",
         variants={"warning": "{sheet} {cell}（{title}）：内容不能为空{note}（{kind_name}报告可稍后补写，生成报告前须填好）",
                   "report": "{sheet} {cell}（{title}）：内容为空，不能生成正式报告{note}"}),
    Code("SIGN_DATE_MISSING", "warning", "落款日期为空",
         "{sheet} {cell}（{label}）：落款日期为空；报告落款须有日期，请按 2025-01-20 的样式填写",
         variants={"error": "{sheet} {cell}（{label}）：落款日期为空，不能生成正式报告；请按 2025-01-20 的样式填写"}),
    Code("SIGN_DATE_LATE", "warning", "落款日期晚于期限",
         "{sheet} {cell}（{label}）：{actual} 晚于 {expected}（{kind_name}年度报告应于次年{deadline}前公布）"),
    Code("SIGN_DATE_INVALID", "warning", "落款日期无法识别", "{sheet} {cell}（{label}）：“{actual}”不是日期，请按 2025-01-20 的样式填写"),
    # -- the words of the report against its tables (text checks) ----------------------------------
    Code("TEXT_NUMBER_MISMATCH", "warning", "文字与表格数字不符", "{where}：“{quote}”与{expected_text}不符"),
    Code("TEXT_SUM_MISMATCH", "warning", "文字中的合计与分项之和不符",
         "{where}：“{quote}”中所列各项之和为 {expected}（{parts_text}），与所写的 {actual} 不符"),
    Code("TEXT_PERCENT_MISMATCH", "warning", "文字中的百分比与表格不符",
         "{where}：“{quote}”中的 {actual}% 与表格不符：按{base_name}应为 {expected}%"),
    Code("TEXT_UPHELD_MISMATCH", "warning", "“均获维持”与表格不符",
         "{where}：“{quote}”，但表四{topic}有{expected_text}"),
    Code("TEXT_PLACEHOLDER", "error", "文字中有未替换的占位内容",
         "{where}：“{quote}”中的“{actual}”像是范文中留下的占位内容，请改为实际内容",
         variants={"warning": "{where}：“{quote}”中的“{actual}”像是范文中留下的占位内容，生成报告前请改为实际内容"}),
    Code("TEXT_WRONG_YEAR", "warning", "文字中的年度与报告年度不符",
         "{where}：“{quote}”中的 {actual} 年与报告年度 {expected} 年不符（是否沿用了往年的文字？）"),
    Code("TEXT_PERIOD", "warning", "统计期限不是报告年度全年",
         "{where}：统计期限“{quote}”应为 {expected}"),
    Code("TEXT_OBSOLETE_WORDING", "warning", "使用了已废止格式的提法",
         "{where}：“{actual}”是{which}的提法，{version} 格式（{doc}）的报告不再使用"),
    Code("TEXT_SECTION_CONTENT", "warning", "缺少应写的内容",
         "{sheet} {cell}（{title}）：未写明{name}（没有出现“{words}”等字样）"),
    Code("TEXT_TOO_LONG", "warning", "篇幅超过上限", "{sheet} {cell}（{title}）：共 {actual} 字，超过本地规则规定的 {expected} 字"),
    Code("TEXT_TOO_SHORT", "warning", "篇幅过短", "{sheet} {cell}（{title}）：只有 {actual} 字，少于本地规则规定的 {expected} 字"),
    Code("TEXT_REQUIRED_WORDS", "warning", "缺少本地规则要求的内容",
         "{sheet} {cell}（{title}）：本地规则要求写明“{name}”，文中没有出现"),
    Code("RULES_EMBEDDED_INVALID", "warning", "填报表中的本地规则无法使用",
         "填报表中保存的本地规则无法使用（{reason}），已按全国规则校验；请向下发填报表的单位索取新的填报表"),
    # -- across units and years (copied text, year-on-year figures) ---------------------------------
    Code("TEXT_SIMILAR_UNIT", "warning", "与其他单位文字雷同",
         "{where}：{title}与{others}的文字有 {percent}% 相同（{shared}/{chars} 字，已除去套话和参考表述），"
         "如“{quote}”；请按本单位的实际情况撰写",
         variants={"group": "{where}：{title}与 {size} 个单位的文字高度雷同（{members}等），与{best}相同的部分占 "
                            "{percent}%（{shared}/{chars} 字），如“{quote}”；请按本单位的实际情况撰写"}),
    Code("TEXT_SIMILAR_LAST_YEAR", "warning", "与上年报告文字雷同",
         "{where}：{title}与上年报告相同的部分占 {percent}%（{shared}/{chars} 字，已除去套话和参考表述），"
         "如“{quote}”；年度报告应反映本年度的工作"),
    Code("TEXT_PROBLEMS_REPEATED", "info", "五中的问题与上年相同",
         "{where}：“{quote}”与上年报告所写的问题相同；同一问题连续两年出现，请写明上年的整改情况和未解决的原因"),
    Code("YOY_CHANGE", "info", "同比变化较大",
         "{where}：{label}上年 {previous}，本年 {actual}，{change_text}；变化较大，请在文字部分说明原因"),
    Code("ANALYSIS_ALL_ZERO", "info", "表格全部为 0",
         "{unit}：表二、表三、表四全部为 0；请核实是否漏填（确实没有的，宜在文字中说明）"),
    Code("ANALYSIS_SHARE_HIGH", "warning", "答复结果占比偏高",
         "{unit}：{label} {part} 件，占办结 {base} 件的 {percent}%，高于 {limit}%；请核实答复的依据和理由是否充分"),
    Code("ANALYSIS_CORRECTION_HIGH", "warning", "复议、诉讼纠错率偏高",
         "{unit}：{label}审结 {base} 件，被纠错 {part} 件，纠错率 {percent}%，高于 {limit}%；请分析原因并改进答复"),
    Code("ANALYSIS_SUBMITTED_LATE", "info", "晚于报送期限交来",
         "{unit}：填报表 {time} 交来（文件时间），晚于办公室规定的报送期限 {deadline}"),
    # -- the report as graders read it (preflight) -----------------------------------------------------
    Code("REPORT_TITLE", "warning", "标题不规范", "{sheet} {cell}（{label}）：标题“{actual}”{problem}，应为“{expected}”"),
    Code("REPORT_HEADING", "warning", "部分标题与格式不符",
         "报告模板{template}：找不到部分标题“{expected}”{near}；六个部分的标题应与格式完全一致"),
    Code("REPORT_PREFACE_PERIOD", "warning", "前言未写统计期限",
         "{sheet} {cell}（{label}）：前言没有写明统计期限（如“本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止”）"),
    Code("REPORT_PREFACE_URL", "warning", "前言未写发布网址",
         "{sheet} {cell}（{label}）：前言没有写明年度报告的发布网址（如“本报告电子版可在…网站查阅或下载”）"),
    Code("REPORT_PREFACE_PARTS", "warning", "前言所说部分数不对",
         "{sheet} {cell}（{label}）：前言说全文包括{actual}部分，年度报告应包括六个部分"),
    Code("REPORT_FEE_STATEMENT", "warning", "未说明收费情况",
         "{sheet} {cell}（{title}）：未说明收费情况（是否收取信息处理费、行政事业性收费与表二（八）是否一致）"),
    Code("REPORT_ART50_CONTENT", "warning", "本级政府报告缺少第五十条第四项内容",
         "{sheet} {cell}（{title}）：本级政府年度报告应写明{name}，文中没有出现“{words}”"),
    # -- across years --------------------------------------------------------------------------------
    Code("CROSS_YEAR_YEAR", "warning", "上年文件年度不符",
         "上年报告文件（{file}）的报告年度是 {actual}，不是 {expected}；跨年度核对结果可能不准确"),
    Code("CROSS_YEAR_UNREAD", "warning", "上年文件无法读取", "上年报告文件（{file}）：{reason}；已跳过跨年度核对"),
    Code("CROSS_YEAR_UNREAD_VALUES", "warning", "上年文件有数字无法读取",
         "上年报告文件（{file}）：有 {count} 个数字单元格无法读取（请先用 nianbao check 校验上年文件）；已跳过跨年度核对"),
    # -- collect ---------------------------------------------------------------------------------------
    Code("COLLECT_WRONG_YEAR", "error", "年度与本次汇总不符",
         "本次汇总的是{expected}年度，这份填报表是{actual}年度的（是否误交了往年的表？）"),
    Code("COLLECT_WRONG_FORMAT", "error", "格式与本次汇总不符",
         "本次汇总使用{expected}格式，这份填报表是{actual}格式，请用本次下发的填报表重新填报"),
    Code("COLLECT_SKIP_OWN_OUTPUT", "info", "collect 自己写出的文件",
         "{file}：是本次汇总的输出文件夹中由 collect 写出、未经改动的文件，不是单位报送，已跳过"),
    Code("COLLECT_SKIP_CONSOLIDATED", "info", "本级的汇总填报表",
         "{file}：是“{org}”的汇总填报表（由 collect 写出），不是单位报送，已跳过"),
    # -- the workspace (uploads through a unit's link, publication) ---------------------------------
    Code("WS_WRONG_UNIT", _FILE, "不是本单位的填报表",
         "{file}：这是“{actual}”的填报表（按{how}识别），不能通过“{expected}”的报送链接提交；"
         "请确认选对了文件，或请“{actual}”用自己的报送链接提交"),
    Code("WS_UNIT_MISMATCH", "error", "单位名称与报送链接不符",
         "{sheet} {cell}（{label}）：表内单位名称“{actual}”与本报送链接的单位“{expected}”不符；请填写本单位全称"),
    Code("PUBLISH_URL_INVALID", "error", "公开网址无效",
         "公开网址“{actual}”不是有效的网址：应以 http:// 或 https:// 开头，不含空格，如 https://www.example.gov.cn/xxgk/ndbg/"),
    Code("PUBLISH_DATE_INVALID", "error", "发布日期无法识别", "发布日期“{actual}”无法识别，请按 2025-01-20 的样式填写"),
    Code("PUBLISH_DATE_EARLY", "error", "发布日期早于年度结束",
         "发布日期 {actual} 不在报告年度结束之后：{year}年度报告应在 {expected} 及以后发布，请核对日期"),
    Code("PUBLISH_DATE_FUTURE", "error", "发布日期晚于今天", "发布日期 {actual} 晚于今天（{expected}），请填写实际发布的日期"),
    Code("PUBLISH_DATE_LATE", "warning", "发布晚于期限",
         "发布日期 {actual} 晚于公布期限 {expected}（{kind_name}年度报告应于次年{deadline}前公布）"),
]

CATALOG: dict[str, Code] = {c.code: c for c in _ENTRIES}

# Relation codes come from the format data (their id, level and title); the message by kind.
RELATION_TEMPLATES: dict[str, str] = {
    "equal": "{where}：{lhs_text}，应等于 {rhs_text}，相差 {diff}{suspects}",
    "le": "{where}：{lhs_text}，不应超过 {rhs_text}，超出 {diff}",
    "total": ("{where}：合计应为 {expected}（{title}），单元格中却是 {actual}。"
              "这是自动计算的合计单元格，可能被手工改写；请恢复公式，或清空该单元格"),
}


class _Tolerant(string.Formatter):
    """Formatting never fails: a missing token renders as an empty string."""

    def get_value(self, key: Any, args: Any, kwargs: dict[str, Any]) -> Any:
        return kwargs.get(key, "") if isinstance(key, str) else super().get_value(key, args, kwargs)


def fmt_number(v: Any) -> str:
    """Numbers as a person writes them: 12, 161804.8 (no trailing zeros, no exponent)."""
    if isinstance(v, Decimal):
        return format(v.normalize(), "f")
    if isinstance(v, float):
        return fmt_number(Decimal(repr(v)))
    return str(v)


def render(template: str, tokens: dict[str, Any]) -> str:
    shown = {k: fmt_number(v) if isinstance(v, (int, float, Decimal)) and not isinstance(v, bool) else v
             for k, v in tokens.items()}
    return _Tolerant().format(template, **{**_SNIPPETS, **shown})


def render_code(code: str, tokens: dict[str, Any], level: str | None = None) -> str:
    entry = CATALOG[code]
    return render(entry.template_for(level or entry.level), tokens)
