"""Issue 12: statements of the kind real reports write, checked against one set of tables.

Half agree with the tables (no finding at all, including the decoys: dates, 第二十条, 〔2021〕30号,
phone numbers, URLs, 一是/二是, "收到40件…办结39件" with one carried forward); half disagree and each
gets its finding with the right code, ``actual``, ``expected`` and ``quote``. The vocabulary comes
from the format's own words (tool/format/data/text.json).
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tool.format import load
from tool.format.interchange import ReportData
from tool.text import all_claims, paragraphs, text_findings

YEAR = 2024
SPEC = load("2021")
VALUES: dict[str, int | Decimal] = {
    "new_requests.natural_person": 34, "new_requests.commercial_enterprise": 4, "new_requests.legal_service_org": 2,
    "granted.natural_person": 19, "partially_granted.natural_person": 5,
    "denied_state_secret.natural_person": 1, "denied_third_party.natural_person": 2,
    "unable_not_held.natural_person": 7, "unable_need_creation.natural_person": 1,
    "not_processed_duplicate.natural_person": 2, "other_overdue_correction.natural_person": 2,
    "carried_forward.natural_person": 1,
    "review_upheld": 3, "review_corrected": 1, "review_pending": 1,
    "lit_direct_upheld": 1, "lit_direct_pending": 1, "lit_after_review_upheld": 1,
    "art20_1.rules.issued": 1, "art20_1.rules.in_force": 12,
    "art20_1.normative_docs.issued": 5, "art20_1.normative_docs.repealed": 2, "art20_1.normative_docs.in_force": 38,
    "art20_5.licensing.decisions": 120, "art20_6.penalty.decisions": 56, "art20_6.coercion.decisions": 3,
    "art20_8.admin_fees.fee_amount": Decimal("12.5"),
}
# 新收 40 (自然人 34, 法人或其他组织 6), 上年结转 0, 办结 39 = 19 + 5 + 3 + 8 + 2 + 2, 结转下年度 1;
# 行政复议 5 (维持 3, 纠正 1, 尚未审结 1); 行政诉讼 3 (直接起诉 2: 维持 1, 尚未审结 1; 复议后起诉 1: 维持 1).

CONSISTENT = [
    "本年度共收到政府信息公开申请40件。",
    "全年共受理政府信息公开申请40件，上年结转0件。",
    "本年度新收政府信息公开申请40件，其中自然人申请34件，法人或其他组织申请6件。",
    "收到政府信息公开申请40件，办结39件，结转下年度继续办理1件。",
    "共办结政府信息公开申请39件，其中予以公开19件，部分公开5件，不予公开3件，无法提供8件，不予处理2件，其他处理2件。",
    "予以公开和部分公开共24件，占办结总数的61.5%。",
    "因本机关不掌握相关政府信息而无法提供的7件。",
    "因属于国家秘密不予公开1件。",
    "行政复议5件，其中结果维持3件，结果纠正1件，尚未审结1件。",
    "被提起政府信息公开行政诉讼3件，其中未经复议直接起诉2件，复议后起诉1件。",
    "本年度制发规范性文件5件，废止2件，现行有效38件。",
    "制定规章1件，现行有效规章12件。",
    "作出行政许可决定120件，行政处罚决定56件，行政强制决定3件。",
    "本年度行政事业性收费12.5万元。",
    "本年度行政事业性收费125000元。",
    "根据《中华人民共和国政府信息公开条例》第二十条规定，于2025年1月20日前完成年报编制。",
    "依据国办公开办函〔2021〕30号要求，收到申请后在15个工作日内予以答复。",
    "咨询电话：0351-1234567，网址：http://www.example.gov.cn/zwgk/30件/。",
    "一是加强组织领导，二是完善工作制度，三是强化监督检查。",
    "本年度共收到政府信息公开申请四十件。",
    "行政复议案件五件。",
    "本年度收到政府信息公开申请４０件。",
    "共公开政府信息1,234条，其中政策文件1,000条、工作动态234条。",
    "2023年收到申请30件，2024年收到申请40件，较上年增加10件。",
    "行政复议和行政诉讼案件共8件。",
    "依法办理政府信息公开申请40件。",
    "依法答复政府信息公开申请39件。",
    "予以公开19件，占比48.7%。",
    "不予处理的2件均为重复申请。",
    "商业企业申请4件，法律服务机构申请2件。",
    "复议后起诉1件，均获维持。",
    "行政许可事项清单共37项。",
    "发布政策解读15篇，其中图解8篇、视频解读7篇。",
    "全年主动公开政府信息2,856条。",
    "共公开信息300条，其中政策文件100条、动态信息150条等。",
    "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。",
    "累计受理政府信息公开申请500余件。",
    "自然人申请约占85%。",
]

# (statement, [(code, actual, expected, quote), ...])
INCONSISTENT = [
    ("本年度共收到政府信息公开申请45件。",
     [("TEXT_NUMBER_MISMATCH", 45, 40, "本年度共收到政府信息公开申请45件")]),
    ("全年办结政府信息公开申请40件。", [("TEXT_NUMBER_MISMATCH", 40, 39, "全年办结政府信息公开申请40件")]),
    ("结转下年度继续办理2件。", [("TEXT_NUMBER_MISMATCH", 2, 1, "结转下年度继续办理2件")]),
    ("予以公开20件。", [("TEXT_NUMBER_MISMATCH", 20, 19, "予以公开20件")]),
    ("部分公开4件。", [("TEXT_NUMBER_MISMATCH", 4, 5, "部分公开4件")]),
    ("不予公开2件。", [("TEXT_NUMBER_MISMATCH", 2, 3, "不予公开2件")]),
    ("无法提供7件。", [("TEXT_NUMBER_MISMATCH", 7, 8, "无法提供7件")]),
    ("不予处理3件。", [("TEXT_NUMBER_MISMATCH", 3, 2, "不予处理3件")]),
    ("其他处理1件。", [("TEXT_NUMBER_MISMATCH", 1, 2, "其他处理1件")]),
    ("予以公开及部分公开25件。", [("TEXT_NUMBER_MISMATCH", 25, 24, "予以公开及部分公开25件")]),
    ("收到政府信息公开申请40件，其中自然人申请35件。", [("TEXT_NUMBER_MISMATCH", 35, 34, "其中自然人申请35件")]),
    ("收到政府信息公开申请40件，其中法人或其他组织申请5件。",
     [("TEXT_NUMBER_MISMATCH", 5, 6, "其中法人或其他组织申请5件")]),
    ("本年度共发生政府信息公开行政复议案件12件。",
     [("TEXT_NUMBER_MISMATCH", 12, 5, "本年度共发生政府信息公开行政复议案件12件")]),
    ("行政复议案件中结果纠正2件。", [("TEXT_NUMBER_MISMATCH", 2, 1, "行政复议案件中结果纠正2件")]),
    ("行政复议尚未审结2件。", [("TEXT_NUMBER_MISMATCH", 2, 1, "行政复议尚未审结2件")]),
    ("行政诉讼4件。", [("TEXT_NUMBER_MISMATCH", 4, 3, "行政诉讼4件")]),
    ("未经复议直接起诉3件。", [("TEXT_NUMBER_MISMATCH", 3, 2, "未经复议直接起诉3件")]),
    ("行政复议5件，均获维持。", [("TEXT_UPHELD_MISMATCH", "均获维持", 2, "行政复议5件，均获维持")]),
    ("本年度未发生政府信息公开行政复议、行政诉讼案件。",
     [("TEXT_NUMBER_MISMATCH", 0, 5, "本年度未发生政府信息公开行政复议、行政诉讼案件"),
      ("TEXT_NUMBER_MISMATCH", 0, 3, "本年度未发生政府信息公开行政复议、行政诉讼案件")]),
    ("本年度制发规范性文件6件。", [("TEXT_NUMBER_MISMATCH", 6, 5, "本年度制发规范性文件6件")]),
    ("废止规范性文件3件。", [("TEXT_NUMBER_MISMATCH", 3, 2, "废止规范性文件3件")]),
    ("现行有效规章10件。", [("TEXT_NUMBER_MISMATCH", 10, 12, "现行有效规章10件")]),
    ("作出行政处罚决定65件。", [("TEXT_NUMBER_MISMATCH", 65, 56, "作出行政处罚决定65件")]),
    ("本年度行政事业性收费15万元。", [("TEXT_NUMBER_MISMATCH", 15, Decimal("12.5"), "本年度行政事业性收费15万元")]),
    ("本年度行政事业性收费12500元。", [("TEXT_NUMBER_MISMATCH", 12500, 125000, "本年度行政事业性收费12500元")]),
    ("本年度未收取任何费用。", [("TEXT_NUMBER_MISMATCH", 0, Decimal("12.5"), "本年度未收取任何费用")]),
    ("予以公开19件，占比50%。", [("TEXT_PERCENT_MISMATCH", 50, 49, "予以公开19件，占比50%")]),
    ("行政复议5件，其中结果维持3件，占比61%。", [("TEXT_PERCENT_MISMATCH", 61, 60, "其中结果维持3件，占比61%")]),
    ("2024年共公开298条政府信息，其中：概况类信息165条，政务动态信息95条，信息公开目录信息6条。",
     [("TEXT_SUM_MISMATCH", 298, 266,
       "2024年共公开298条政府信息，其中：概况类信息165条，政务动态信息95条，信息公开目录信息6条")]),
    ("共办结政府信息公开申请39件，其中予以公开19件，部分公开5件，不予公开3件，无法提供8件，不予处理2件。",
     [("TEXT_SUM_MISMATCH", 39, 37,
       "共办结政府信息公开申请39件，其中予以公开19件，部分公开5件，不予公开3件，无法提供8件，不予处理2件")]),
    ("本年度共收到政府信息公开申请三十件。", [("TEXT_NUMBER_MISMATCH", 30, 40, "本年度共收到政府信息公开申请三十件")]),
    ("本年度收到政府信息公开申请４５件。", [("TEXT_NUMBER_MISMATCH", 45, 40, "本年度收到政府信息公开申请４５件")]),
    ("行政复议、行政诉讼案件各4件。", [("TEXT_NUMBER_MISMATCH", 4, 5, "行政复议、行政诉讼案件各4件"),
                                      ("TEXT_NUMBER_MISMATCH", 4, 3, "行政复议、行政诉讼案件各4件")]),
    ("本年度新收政府信息公开申请40件，上年结转3件。", [("TEXT_NUMBER_MISMATCH", 3, 0, "上年结转3件")]),
    ("因属于国家秘密不予公开2件。", [("TEXT_NUMBER_MISMATCH", 2, 1, "因属于国家秘密不予公开2件")]),
    ("办结政府信息公开申请两件。", [("TEXT_NUMBER_MISMATCH", 2, 39, "办结政府信息公开申请两件")]),
    ("本年度共收到政府信息公开申请1,040件。",
     [("TEXT_NUMBER_MISMATCH", 1040, 40, "本年度共收到政府信息公开申请1,040件")]),
]


def report(text: str, values: dict | None = None) -> ReportData:
    return ReportData("2021", YEAR, "测试局", {"kind": "department"}, dict(values or VALUES), {"overall": text})


def text_only(data: ReportData) -> list:
    return [f for f in text_findings(data, SPEC) if f.rule.startswith("TEXT_")]


def test_corpus_is_big_enough_and_balanced():
    assert len(CONSISTENT) + len(INCONSISTENT) >= 60
    assert len(CONSISTENT) >= 30 and len(INCONSISTENT) >= 30


@pytest.mark.parametrize("statement", CONSISTENT)
def test_consistent_statement_gets_no_finding(statement):
    assert [f.message for f in text_only(report(statement))] == []


@pytest.mark.parametrize(("statement", "want"), INCONSISTENT, ids=[s for s, _ in INCONSISTENT])
def test_inconsistent_statement_gets_its_finding(statement, want):
    found = text_only(report(statement))
    got = [(f.rule, f.actual, f.expected, f.quote) for f in found]
    assert got == [(c, a if isinstance(a, str) else Decimal(a), e if isinstance(e, str) else Decimal(e), q)
                   for c, a, e, q in want]
    for f in found:
        assert (f.sheet, f.cell, f.key) == ("文字部分", "B4", "text.overall")
        assert f.message.startswith("文字部分 B4（一、总体情况 第1段）：") and f.level == "warning"


def test_same_statements_agree_with_tables_that_say_so():
    """Each inconsistent number statement, over tables changed to what it says, gets no finding."""
    claims_fixed = 0
    for statement, want in INCONSISTENT:
        if want[0][0] != "TEXT_NUMBER_MISMATCH" or len(want) > 1:
            continue
        data = report(statement)
        claims = all_claims(data, SPEC, SPEC.compute(data.values), paragraphs(data, SPEC))
        if len(claims) > 1:
            continue  # another number in the statement would then disagree
        [claim] = claims
        keys = claim.candidates[0].keys
        values = dict(VALUES)
        for k in keys:
            values[k] = 0
        target = SPEC.compute({k: v for k, v in values.items()})  # the rest of the sum
        wanted = claim.actual / (10000 if claim.unit == "元" else 1)
        first = next(k for k in keys if k in SPEC.inputs or k in SPEC.definitions)
        leaf = next(iter(SPEC.leaves(first)))
        values[leaf] = wanted - sum(Decimal(str(target[k])) for k in keys) + Decimal(str(target[leaf]))
        if SPEC.fields[leaf].type == "integer":
            values[leaf] = int(values[leaf])
        assert text_only(report(statement, values)) == [], statement
        claims_fixed += 1
    assert claims_fixed >= 25


def test_which_count_a_received_statement_matched():
    values = dict(VALUES, **{"carried_over.natural_person": 2, "carried_forward.natural_person": 3})
    for said, name in (("受理政府信息公开申请40件。", "本年新收"), ("受理政府信息公开申请42件。", "本年新收加上年结转")):
        data = report(said, values)
        [claim] = all_claims(data, SPEC, SPEC.compute(data.values), paragraphs(data, SPEC))
        assert claim.matched is not None and claim.matched.name == name
    [f] = text_only(report("受理政府信息公开申请41件。", values))
    assert "本年新收 40，也不等于本年新收加上年结转 42" in f.message
    assert f.related == ("表三!J6",)


def test_message_names_the_text_cell_and_the_table_cell():
    [f] = text_only(report("第一段。\n本年度共发生政府信息公开行政复议案件12件。"))
    assert f.message == "文字部分 B5（一、总体情况 第2段）：“本年度共发生政府信息公开行政复议案件12件”与表四 行政复议 总计 5不符"
    assert f.related == ("表四!E6",) and f.to_dict()["quote"] == "本年度共发生政府信息公开行政复议案件12件"
