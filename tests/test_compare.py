"""Issue 13, the measures themselves on real-sized texts (一 of 700–1,000 characters, 五 of 200–400):
keys leave boilerplate out, a near copy is found with its shared sentences, distinct texts are not,
a text copied by many is one group, last year's identical text is flagged and a rewritten one not,
figures that move are, and the thresholds are the local rules'."""

from __future__ import annotations

import random

import pytest

from tool.compare.align import overlap
from tool.compare.batch import candidates
from tool.compare.copies import copies, unit_finding
from tool.compare.lastyear import text_against
from tool.compare.prep import prepare
from tool.compare.sketch import sketch_report
from tool.compare.yoy import yoy_findings
from tool.demo import synth
from tool.format import for_year
from tool.format.localrules import NATIONAL, from_text
from tool.text.draft import prefilled

YEAR = 2024
SPEC = for_year(YEAR)
TITLES = {s.key: s.title for s in SPEC.text_sections}


def unit(i: int, year: int = YEAR, spec=SPEC):  # type: ignore[no-untyped-def]
    d = synth.synthetic(spec, f"测试市第{i}局", year, random.Random(i * 7919 + year))
    d.info["unit_id"] = f"U{i}"
    return d


def near_copy(text: str, org_from: str, org_to: str) -> str:
    """The text with the unit's name replaced and two sentences rewritten (what a copier does)."""
    sents = text.replace(org_from, org_to).split("。")
    sents[1] = "我们还专门组织了一次覆盖全部科室的政务公开专项检查活动"
    sents[4] = "全年未发生因信息公开引发的泄密和错误发布事件"
    return "。".join(sents)


def coverage(a: str, b: str, k: int = 12) -> float:
    """An independent measure for the assertions: the share of a's characters inside a k-gram of b."""
    have = {b[i:i + k] for i in range(len(b) - k + 1)}
    hit = [False] * len(a)
    for i in range(len(a) - k + 1):
        if a[i:i + k] in have:
            for j in range(i, i + k):
                hit[j] = True
    return sum(hit) / len(a)


def test_texts_are_real_sized_and_keys_drop_boilerplate():
    d = unit(1)
    assert 600 <= len(d.text["overall"]) <= 1600 and 150 <= len(d.text["problems"]) <= 600
    d.text["overall"] = "测试市第1局高度重视政府信息公开工作，主要负责同志专题研究部署。" + d.text["overall"]
    prep = prepare(d, SPEC)["overall"]
    key = prep.key
    assert "中华人民共和国政府信息公开条例" not in key and "主动公开方面" not in key
    assert "本年度共收到政府信息公开申请" not in key  # our own 参考表述 is never copying
    assert key.startswith("◎高度重视") and "测试市" not in key  # the unit's own name is masked
    assert not any(ch.isdigit() and ch != "0" for ch in key)  # numbers do not make a text different
    # the default preface pasted into 一 and the drafts of another unit's numbers leave nothing behind
    other = unit(2)
    d.text["overall"] = SPEC.common.preface(d.org, YEAR, "") + "\n" + prefilled(other, SPEC)["overall"]
    assert prepare(d, SPEC)["overall"].key == ""


def test_near_copy_is_found_with_its_sentences_and_distinct_texts_are_not():
    a, b, c = unit(1), unit(2), unit(3)
    b.text["overall"] = near_copy(a.text["overall"], a.org, b.org)
    pa, pb, pc = (prepare(x, SPEC)["overall"] for x in (a, b, c))
    ov = overlap(pb, pa)
    assert ov.ratio == pytest.approx(coverage(pb.key, pa.key))
    assert 0.75 <= ov.ratio < 1
    assert "我们还专门组织了一次覆盖全部科室的政务公开专项检查活动。" not in [s.text for s in ov.shared]
    assert len(ov.shared) >= len(pb.sents) - 3
    assert overlap(pc, pa).ratio < 0.5 and overlap(pa, pc).ratio < 0.5


def test_batch_finds_pairs_and_groups_without_comparing_all_pairs():
    datas = [unit(i) for i in range(1, 61)]
    datas[1].text["overall"] = near_copy(datas[0].text["overall"], datas[0].org, datas[1].org)
    sample = datas[10].text["problems"]
    for i in (11, 12, 13, 14):  # five units share one 五 (the office's sample, names and numbers changed)
        datas[i].text["problems"] = sample.replace(datas[10].org, datas[i].org)
    sketches = [sketch_report(d, SPEC) for d in datas]
    links = {k: candidates([s[k] for s in sketches], 0.5) for k in ("overall", "problems", "other_matters")}
    involved = {i for ls in links.values() for x in ls for i in (x.a, x.b)}
    texts = {i: prepare(datas[i], SPEC) for i in involved}
    found = copies(links, texts, 0.5, TITLES)
    names = {i: datas[i].org for i in range(len(datas))}
    by = {(c.unit, c.section): c for c in found}
    assert {(0, "overall"), (1, "overall")} <= set(by)
    assert by[(1, "overall")].partners[0][0] == 0 and by[(0, "overall")].partners[0][0] == 1
    f = unit_finding(by[(1, "overall")], texts[1]["overall"], names)
    assert f.rule == "TEXT_SIMILAR_UNIT" and f.level == "warning" and "测试市第1局" in f.message
    assert f.sheet == "文字部分" and f.cell.startswith("B") and f.quote
    group = [by[(i, "problems")] for i in (10, 11, 12, 13, 14)]
    assert all(sorted(c.group) == [10, 11, 12, 13, 14] for c in group)
    g = unit_finding(group[2], texts[12]["problems"], names)
    assert "5 个单位" in g.message and g.actual == "100%"
    flagged = {c.unit for c in found}
    assert flagged == {0, 1, 10, 11, 12, 13, 14}  # the 53 distinct texts are not flagged


def test_one_text_copied_by_many_is_one_group_and_the_index_stays_small():
    datas = [unit(i) for i in range(1, 201)]
    for d in datas[1:]:
        d.text["overall"] = datas[0].text["overall"].replace(datas[0].org, d.org)
    sks = [sketch_report(d, SPEC)["overall"] for d in datas]
    links = candidates(sks, 0.5)
    assert len(links) < 3 * len(datas)  # each unit measured against a representative, not 200×199/2 pairs
    texts = {i: prepare(datas[i], SPEC) for i in range(len(datas))}
    found = copies({"overall": links}, texts, 0.5, TITLES)
    assert len(found) == 200 and all(len(c.group) == 200 for c in found)


def test_last_year_identical_is_flagged_and_rewritten_is_not():
    this = unit(1)
    same = unit(1, YEAR - 1)
    same.text = dict(this.text)
    rewritten = unit(99, YEAR - 1)  # another unit's words: a rewrite
    mine = prepare(this, SPEC)
    flagged = text_against(mine, prepare(same, SPEC), TITLES)
    assert {f.rule for f in flagged.findings} >= {"TEXT_SIMILAR_LAST_YEAR", "TEXT_PROBLEMS_REPEATED"}
    sim = [f for f in flagged.findings if f.rule == "TEXT_SIMILAR_LAST_YEAR"]
    assert {f.key for f in sim} == {"text.overall", "text.problems"} and all(f.actual == "100%" for f in sim)
    assert flagged.marks and all(c[0] == "文字部分" for c in flagged.marks)
    clean = text_against(mine, prepare(rewritten, SPEC), TITLES)
    assert not [f for f in clean.findings if f.rule == "TEXT_SIMILAR_LAST_YEAR"]


def test_yoy_change_and_its_thresholds_from_local_rules():
    this, last = unit(1), unit(1, YEAR - 1)
    for k in (k for k in SPEC.inputs if k.startswith("new_requests.")):
        this.values[k], last.values[k] = 20, 5  # 30 → 120 over six columns
    cur, prev = SPEC.compute(this.values), SPEC.compute(last.values)
    found = [f for f in yoy_findings(SPEC, cur, SPEC, prev, NATIONAL) if f.key == "new_requests.total"]
    assert len(found) == 1
    f = found[0]
    assert (f.expected, f.actual) == (prev["new_requests.total"], cur["new_requests.total"])
    assert (f.expected, f.actual) == (30, 120) and "增加 90（+300%）" in f.message
    assert f.level == "info" and f.cell == SPEC.layout.values["new_requests.total"].cell
    strict = from_text('[thresholds]\nyoy_min = 1000\n', "本地.toml")
    assert not [f for f in yoy_findings(SPEC, cur, SPEC, prev, strict) if f.key == "new_requests.total"]


def test_yoy_across_format_versions_leaves_what_a_version_lacks_blank():
    from tool.compare.yoy import figure_values

    old = for_year(2020)
    d = unit(1, 2020, old)
    figs = figure_values(old, old.compute(d.values))
    assert figs["fees"] is None  # the 2019 format has no fee amount
    assert figs["new_requests"] == old.compute(d.values)["new_requests.total"]
    assert figs["rules_issued"] is None  # 2019 counts 本年新公开, not 制发: not the same figure (format.figures ids)
    assert figs["licensing"] == d.values["art20_5.licensing.decisions"]
    assert figs["review"] == old.compute(d.values)["review_total"]
