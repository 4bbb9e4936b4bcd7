"""Synthetic data satisfies every relation, whatever relations the format data holds."""

import random

import pytest

from tool import format as spec
from tool.demo import synth


@pytest.mark.parametrize("version", spec.versions())
def test_synthetic_data_balances(version):
    s = spec.load(version)
    for seed in range(50):
        d = synth.synthetic(s, "某局", 2024, random.Random(seed))
        full = s.compute(d.values)
        for inst in s.instances:
            if inst.cross_year:
                continue
            lhs = sum(t.sign * full[t.key] for t in inst.lhs)
            rhs = sum(t.sign * full[t.key] for t in inst.rhs)
            assert (lhs <= rhs) if inst.kind == "le" else (lhs == rhs), (seed, inst)
        assert all(full[k] >= 0 for k in s.inputs if not s.fields[k].signed)
