"""Rules generated from the format data (issue 3, item 2 and 3): pure, on ReportData."""

from __future__ import annotations

import copy
from decimal import Decimal

import pytest
from builders import format_data, layout, sample

from tool import format as specmod
from tool.check.rules import check_data
from tool.format import load
from tool.format.layout import Layout


def rules_of(findings):
    return sorted((f.rule, f.cell) for f in findings)


@pytest.mark.parametrize("version", ["2019", "2021"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_balanced_sample_has_no_findings(version, seed):
    assert check_data(sample(version, seed=seed)) == []


def test_balance_message_names_input_cell_terms_and_difference():
    d = sample("2021")
    v = d.values
    for k in [k for k in v if k.endswith(".natural_person")]:
        v[k] = 0
    v.update({"new_requests.natural_person": 10, "carried_over.natural_person": 3,
              "granted.natural_person": 11, "carried_forward.natural_person": 1})
    [f] = check_data(d)
    assert f.message.startswith("表三 D30（四、结转下年度继续办理 › 自然人）：第一项 10 + 第二项 3 = 13，"
                                "应等于 （七）总计 11 + 第四项 1 = 12，相差 1；可能填错的单元格")
    assert (f.rule, f.level, f.sheet, f.cell, f.key) == ("T3_BALANCE", "error", "表三", "D30",
                                                         "carried_forward.natural_person")
    assert (f.expected, f.actual) == (2, 1)  # the value of D30 that balances the column
    assert {"D6", "D7", "D29"} <= set(f.related)  # the terms, after the likeliest wrong cells
    assert f.to_dict()["label_path"] == "四、结转下年度继续办理 › 自然人"


def test_every_relation_points_at_an_input_cell():
    for v in ("2019", "2021"):
        lay = layout(v)
        for inst in lay.spec.instances:
            if inst.kind != "total":
                assert lay.values[inst.blame].kind == "value", inst


def test_all_findings_in_one_pass():
    d = sample("2021")
    d.values["new_requests.natural_person"] += 1
    d.values["new_requests.other_org"] += 2
    d.values["review_upheld"] = -1
    assert rules_of(check_data(d)) == sorted([("T3_BALANCE", "D30"), ("T3_BALANCE", "I30"),
                                              ("VALUE_NEGATIVE", "A6")])


def test_relation_added_to_format_data_is_checked():
    """No relation id in rules.py: a relation added to a copy of the data is enforced."""
    raw = format_data("2021")
    data = copy.deepcopy(raw)
    data["relations"].append({"id": "TEST_SECRET_BOUND", "kind": "le", "level": "warning",
                              "table": "applications", "title": "国家秘密不超过予以公开",
                              "lhs": ["denied_state_secret.natural_person"],
                              "rhs": ["granted.natural_person"], "blame": "denied_state_secret.natural_person"})
    spec = specmod.from_data(data)
    d = sample("2021", spec=spec)
    d.values["granted.natural_person"] = 1
    d.values["denied_state_secret.natural_person"] = 3
    d.values["carried_forward.natural_person"] = 0
    d.values["new_requests.natural_person"] = 4 + sum(
        d.values[k] for k in d.values if k.endswith(".natural_person") and k.split(".")[0] not in
        {"new_requests", "carried_over", "carried_forward", "granted", "denied_state_secret"}) - d.values[
        "carried_over.natural_person"]
    found = check_data(d, spec=spec)
    assert [(f.rule, f.level, f.cell) for f in found] == [("TEST_SECRET_BOUND", "warning",
                                                          Layout(spec).values["denied_state_secret.natural_person"].cell)]
    assert "不应超过 （一）予以公开 1，超出 2" in found[0].message
    assert check_data(d, spec=load("2021")) == []  # the official data has no such relation


def test_values_type_and_sign_come_from_fields():
    d = sample("2019", year=2020)
    d.values["art20_5.licensing.change"] = -3  # signed in 2019 (本年增/减)
    d.values["art20_1.rules.new_made"] = Decimal("1.5")
    d.values["art20_1.rules.total_published"] = -2
    got = {(f.rule, f.key) for f in check_data(d) if f.rule.startswith("VALUE_")}
    assert got == {("VALUE_NOT_INTEGER", "art20_1.rules.new_made"),
                   ("VALUE_NEGATIVE", "art20_1.rules.total_published")}


def test_format_must_match_year():
    assert rules_of(check_data(sample("2019", year=2024))) == [("FMT_CURRENT_VERSION", "B4")]
    [f] = check_data(sample("2021", year=2020))
    assert (f.rule, f.expected, f.actual) == ("FMT_CURRENT_VERSION", "2019", "2021")
    assert "nianbao template --year 2020" in f.message


def test_required_info_and_text_by_kind():
    d = sample("2021")
    d.org, d.text["overall"], d.text["problems"] = "", "", " "
    found = {(f.rule, f.level, f.sheet, f.cell) for f in check_data(d)}
    assert found == {("INFO_REQUIRED", "error", "基本信息", "B3"),
                     ("TEXT_REQUIRED", "error", "文字部分", "B4"), ("TEXT_REQUIRED", "error", "文字部分", "B65")}
    d.info["kind"] = "government"
    assert {(f.rule, f.level) for f in check_data(d) if f.rule == "TEXT_REQUIRED"} == {("TEXT_REQUIRED", "warning")}


@pytest.mark.parametrize(("kind", "date", "late"), [
    ("department", "2025-01-31", False), ("department", "2025-02-01", True),
    ("government", "2025-03-31", False), ("government", "2025-04-01", True)])
def test_sign_date_deadline(kind, date, late):
    d = sample("2021", kind=kind)
    d.info["sign_date"] = date
    found = [f for f in check_data(d) if f.rule == "SIGN_DATE_LATE"]
    assert bool(found) == late
    if late:
        assert found[0].level == "warning" and found[0].cell == "B11"


def test_typed_over_total_is_reported_at_that_cell_with_its_relation():
    d = sample("2021")
    right = d.all_values()["results_total.natural_person"]
    [f] = check_data(d, totals={"results_total.natural_person": right + 5, "results_total.other_org":
                                d.all_values()["results_total.other_org"]})
    assert (f.rule, f.cell, f.expected, f.actual) == ("T3_RESULTS_TOTAL", "D29", right, right + 5)
    assert "手工改写" in f.message


def test_cross_year_with_last_year_in_either_format():
    this = sample("2021", year=2021, seed=5)
    prev21 = sample("2021", year=2020, seed=6)
    prev19 = sample("2019", year=2020, seed=6)
    got19 = {f.rule for f in check_data(this, prev=prev19)}
    got21 = {f.rule for f in check_data(this, prev=prev21)}
    assert "T3_CROSS_YEAR_CARRY" in got19 and "T3_CROSS_YEAR_CARRY" in got21
    # 现行有效件数 does not exist in the 2019 format: that term is skipped, not guessed
    assert "T2_IN_FORCE_CROSS_YEAR" not in got19
    # make this year consistent with last year's: the carry-over rule is then satisfied
    full = load("2021").compute(prev21.values)
    for c in ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
              "legal_service_org", "other_org"):
        this.values[f"carried_over.{c}"] = full[f"carried_forward.{c}"]
    assert "T3_CROSS_YEAR_CARRY" not in {f.rule for f in check_data(this, prev=prev21)}


def test_cross_year_rules_need_last_year():
    d = sample("2021")
    d.values["carried_over.natural_person"] += 100
    assert "T3_CROSS_YEAR_CARRY" not in {f.rule for f in check_data(d)}
