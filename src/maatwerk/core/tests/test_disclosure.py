"""Disclosure control: small counts suppressed, and a single suppressed part protected
against total-minus-parts."""

from maatwerk.core.disclosure import suppress_cells, suppress_figure


def test_small_counts_are_suppressed_and_zero_is_shown():
    shown, paths = suppress_cells(
        {"a": 0, "b": 4, "c": 5, "d": 12, "e": 1}, threshold=5, path="x", total_shown=False
    )
    assert shown == {"a": 0, "b": None, "c": 5, "d": 12, "e": None}
    assert paths == ["x.b", "x.e"]


def test_one_suppressed_part_of_a_shown_total_takes_the_next_smallest_with_it():
    shown, paths = suppress_cells({"a": 3, "b": 0, "c": 20, "d": 9}, threshold=5, path="t")
    assert shown == {"a": None, "b": 0, "c": 20, "d": None}
    assert paths == ["t.a", "t.d"]


def test_two_suppressed_parts_protect_each_other():
    shown, paths = suppress_cells({"a": 3, "b": 2, "c": 20}, threshold=5)
    assert shown == {"a": None, "b": None, "c": 20}
    assert paths == ["a", "b"]


def test_threshold_zero_turns_it_off():
    assert suppress_cells({"a": 1, "b": 2}, threshold=0) == ({"a": 1, "b": 2}, [])


def test_figures_over_too_few_cases_are_suppressed():
    assert suppress_figure(42.5, over=4, threshold=5) is None
    assert suppress_figure(42.5, over=5, threshold=5) == 42.5
    assert suppress_figure(42.5, over=0, threshold=5) == 42.5
