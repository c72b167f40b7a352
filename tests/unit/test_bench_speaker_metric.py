"""The bench's speaker-change score (tests/support/quality.py): a second dash next to a true
change is false when changes are matched one to one."""

from tests.support import quality as q


def test_a_double_dash_next_to_a_true_change_is_false_one_to_one():
    truth, found = [10.0, 20.0], [10.2, 10.6, 20.3]
    within = q.boundary_accuracy(truth, found, 1.0)
    assert within["precision"] == 1.0 and within["recall"] == 1.0  # the tolerance alone hides it
    assert q.one_to_one(truth, found, 1.0) == 2  # so 2 of 3 found changes are right


def test_one_to_one_matching_takes_the_most_pairs():
    # Nearest-first would pair 10.9 with 11.0 and leave 10.0 without a match.
    assert q.one_to_one([10.0, 11.0], [10.9, 11.95], 1.0) == 2
    assert q.one_to_one([10.0, 11.0], [10.9], 1.0) == 1
    assert q.one_to_one([10.0], [], 1.0) == 0
    assert q.one_to_one([], [3.0], 1.0) == 0
