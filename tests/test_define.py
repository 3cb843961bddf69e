"""humeresearch.define: every option set's tuple and Literal alias agree."""

from __future__ import annotations

import typing

import pytest

from humeresearch import define

LITERALS = {
    name: value
    for name, value in vars(define).items()
    if not name.startswith("_") and typing.get_origin(value) is typing.Literal
}


@pytest.mark.parametrize("key", sorted(define.OPTIONS))
def test_tuple_and_literal_agree(key):
    values, alias = define.OPTIONS[key]
    assert typing.get_origin(alias) is typing.Literal
    assert set(values) == set(typing.get_args(alias))
    assert len(set(values)) == len(values), f"{key} repeats a value"


@pytest.mark.parametrize("key", sorted(define.OPTIONS))
def test_options_hold_the_module_tuples(key):
    values, _ = define.OPTIONS[key]
    if key == "EFFECTS":  # combined from the two per-design lists
        assert set(values) == set(define.BETWEEN_EFFECTS) | set(define.WITHIN_EFFECTS)
        return
    module_value = getattr(define, key)
    assert tuple(v for v in module_value if v is not None) == tuple(values)


def test_every_literal_alias_is_listed():
    listed = {id(alias) for _, alias in define.OPTIONS.values()}
    unlisted = sorted(name for name, alias in LITERALS.items() if id(alias) not in listed)
    # typing caches Literal aliases: the same values give the same object, so compare by args
    listed_args = {typing.get_args(alias) for _, alias in define.OPTIONS.values()}
    assert [n for n in unlisted if typing.get_args(LITERALS[n]) not in listed_args] == []


def test_every_option_tuple_has_a_literal():
    tuples = {
        name
        for name, value in vars(define).items()
        if name.isupper()
        and isinstance(value, tuple)
        and all(isinstance(v, (str, type(None))) for v in value)
    }
    # key column sets and the per-design effect lists are documented without a Literal
    without = {"EXPRESSION_KEYS", "SERIES_KEYS", "BETWEEN_EFFECTS", "WITHIN_EFFECTS"}
    assert sorted(tuples - set(define.OPTIONS) - without) == []
