"""The contract validator and the wide-column naming rules."""

from __future__ import annotations

import pandas as pd
import pytest

import humeresearch as hr
from humeresearch._contract import LONG_COLUMNS, split_wide_column, wide_column
from humeresearch.errors import ContractError


def test_wide_column_names_round_trip():
    for family, name in [
        ("emotion", "Joy"),
        ("facs", "AU4 Brow Lowerer"),
        ("sentiment", "5"),
        ("voice_attribute", "calm"),
        ("emotion", "odd: name"),
    ]:
        assert split_wide_column(wide_column(family, name)) == (family, name)
    assert wide_column("emotion", "text", reserved={"text"}) == "emotion:text"


def test_validate_accepts_reader_output(fixtures):
    m = hr.read(fixtures / "interviewiq_predictions.json")
    for kind, table in [
        ("spans", m.spans()),
        ("long", m.long()),
        ("wide", m.wide()),
        ("errors", m.errors()),
    ]:
        assert hr.validate(table, kind) is table


def test_validate_names_the_fault(fixtures):
    long = hr.read(fixtures / "interviewiq_predictions.json").long()
    with pytest.raises(ContractError, match=r"missing required column\(s\) \['score'\]"):
        hr.validate(long.drop(columns="score"), "long")
    with pytest.raises(ContractError, match="must start with"):
        hr.validate(long[LONG_COLUMNS[::-1]], "long")
    with pytest.raises(ContractError, match="duplicated key"):
        hr.validate(pd.concat([long.head(2), long.head(1)]), "long")
    bad = long.copy()
    bad["span_id"] = bad["span_id"].astype(float) + 0.5
    with pytest.raises(ContractError, match="span_id"):
        hr.validate(bad, "long")
    with pytest.raises(ValueError, match="kind"):
        hr.validate(long, "nope")  # type: ignore[arg-type]
