"""A report against the same unit's report of last year: the text (copied sections, problems repeated in
五) and the figures (``yoy``). Used by ``check --last-year`` and ``collect --last-year``."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.findings import Finding, make
from ..format import Number, Spec, compare_data
from ..format.interchange import ReportData
from ..format.localrules import NATIONAL, LocalRules
from .align import grams, overlap
from .copies import Marks, _at, _shown, marks_of, merge_marks
from .prep import Prepared, prepare
from .sketch import params
from .yoy import yoy_findings


@dataclass
class Against:
    """What comparing with last year found: findings and the sentences to highlight in a returned copy."""

    findings: list[Finding] = field(default_factory=list)
    marks: Marks = field(default_factory=dict)
    ratios: dict[str, float] = field(default_factory=dict)  # section → share found in last year's text


def text_against(mine: dict[str, Prepared], theirs: dict[str, Prepared], titles: dict[str, str],
                 rules: LocalRules = NATIONAL) -> Against:
    """TEXT_SIMILAR_LAST_YEAR per section at or above the threshold; TEXT_PROBLEMS_REPEATED for each
    sentence of 五 that names a problem and stands (nearly) as it was in last year's 五."""
    k = params()[0]
    cfg = compare_data()["similar"]
    out = Against()
    limit = rules.threshold("similar_last_year")
    for section, prep in mine.items():
        old = theirs.get(section)
        if old is None or prep.chars < int(cfg["min_chars"]) or not old.sents:
            continue
        ov = overlap(prep, grams(old.key, k))
        out.ratios[section] = ov.ratio
        if ov.ratio >= limit:
            out.findings.append(make("TEXT_SIMILAR_LAST_YEAR", **_at(prep, ov.shared), title=titles[section],
                                     percent=ov.percent, actual=f"{ov.percent}%", shared=ov.shared_chars,
                                     chars=ov.chars, quote=_shown(ov.shared)))
            merge_marks(out.marks, marks_of(prep, [ov]))
        if section == "problems":
            out.findings += _repeated(prep, old, rules)
    return out


def _repeated(prep: Prepared, old: Prepared, rules: LocalRules) -> list[Finding]:
    words, unless = compare_data()["similar"]["repeat_words"], compare_data()["similar"]["repeat_unless"]
    share = rules.threshold("problems_repeat")
    k = params()[0]
    theirs = grams(old.key, k)
    out = []
    for s in prep.sents:
        if not any(w in s.text for w in words) or any(w in s.text for w in unless):
            continue
        one = Prepared(prep.section, prep.paras, [s])
        if overlap(one, theirs).ratio >= share:
            out.append(make("TEXT_PROBLEMS_REPEATED", **_at(prep, [s]), quote=_shown([s], 60)))
    return out


def against_last_year(data: ReportData, spec: Spec, values: dict[str, Number], prev: ReportData,
                      rows=None, rules: LocalRules = NATIONAL, mine: dict[str, Prepared] | None = None  # type: ignore[no-untyped-def]
                      ) -> Against:
    """Everything ``--last-year`` adds beyond the cross-year relations: year-on-year changes and the text."""
    pspec = prev.spec
    out = text_against(mine if mine is not None else prepare(data, spec, rows), prepare(prev, pspec),
                       {s.key: s.title for s in spec.text_sections}, rules)
    out.findings = yoy_findings(spec, values, pspec, pspec.compute(prev.values), rules) + out.findings
    return out
