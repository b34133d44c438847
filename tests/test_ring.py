import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from biofeedback.core.ring import RingBuffer


@given(st.integers(1, 50), st.lists(st.floats(-1e6, 1e6), max_size=200))
def test_view_is_always_the_newest_values_in_order(capacity, values):
    ring = RingBuffer(capacity)
    for v in values:
        ring.append(v)
    expected = values[-capacity:]
    np.testing.assert_array_equal(ring.view()[:, 0], expected)
    assert len(ring) == len(expected)


def test_extend_and_rows():
    ring = RingBuffer(4, width=2)
    ring.extend(np.arange(12).reshape(6, 2))
    np.testing.assert_array_equal(ring.view(), np.arange(4, 12).reshape(4, 2))


def test_view_copies_nothing_and_cannot_be_written():
    ring = RingBuffer(8)
    ring.extend(np.arange(20.0))
    view = ring.view()
    assert np.shares_memory(view, ring._data)
    with pytest.raises(ValueError):
        view[0, 0] = 1.0


@given(st.integers(1, 30), st.lists(st.lists(st.floats(-1e6, 1e6), max_size=70), max_size=8))
def test_extend_is_appending_each_row(capacity, chunks):
    one, many = RingBuffer(capacity), RingBuffer(capacity)
    for chunk in chunks:
        for v in chunk:
            one.append(v)
        many.extend(chunk)
        np.testing.assert_array_equal(many.view(), one.view())
        assert len(many) == len(one)
