"""shared.local.gunicorn_worker.LoadBoard: the open-connection counts the server processes share
across fork (decision 1221)."""

from __future__ import annotations

import os

from shared.local.gunicorn_worker import LoadBoard


def test_slots_counts_and_the_least_loaded_other():
    board = LoadBoard()
    read_end, write_end = os.pipe()
    ready_r, ready_w = os.pipe()
    a = board.claim(os.getpid())
    assert board.least_other(a) is None  # alone: nobody to leave a connection to
    child = os.fork()
    if child == 0:  # the real case: a forked process claims and publishes in the shared memory
        slot = board.claim(os.getpid())
        board.publish(slot, 3)
        os._exit(0 if slot != a else 1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # the child's slot is still claimed, but a process that is gone does not count
    assert board.least_other(a) is None
    other = os.fork()
    if other == 0:
        slot = board.claim(os.getpid())
        board.publish(slot, 2)
        os.write(ready_w, b"x")
        os.read(read_end, 1)  # alive until the parent has looked
        os._exit(0)
    os.read(ready_r, 1)
    try:
        board.publish(a, 5)
        assert board.least_other(a) == 2  # written by the other process, read here
    finally:
        os.write(write_end, b"x")
        os.waitpid(other, 0)
    assert board.least_other(a) is None


def test_a_slot_left_by_a_dead_process_is_reused():
    board = LoadBoard()
    child = os.fork()
    if child == 0:
        os._exit(0)
    os.waitpid(child, 0)
    first = board.claim(child)  # as if the dead process had claimed it
    board.publish(first, 9)
    mine = board.claim(os.getpid())
    assert mine == first  # its owner is gone
    assert board.least_other(mine) is None
