"""render.linear_gain (decisions 1202 and 0304): a static gain wherever it keeps the true peak
under the target, whatever the loudness range; None (loudnorm's dynamic mode) otherwise."""

import pytest

from shared.media import render as rd


def measured(i=-30.0, tp=-12.0, lra=6.0, thresh=-40.0):
    return {"i": i, "tp": tp, "lra": lra, "thresh": thresh}


def test_quiet_mix_with_headroom_gets_the_static_gain():
    assert rd.linear_gain(measured(i=-30.0, tp=-12.0)) == pytest.approx(7.0)


def test_loud_mix_is_turned_down():
    assert rd.linear_gain(measured(i=-16.0, tp=-1.0)) == pytest.approx(-7.0)


def test_gain_that_would_push_the_peak_over_the_target_falls_back_to_loudnorm():
    assert rd.linear_gain(measured(i=-30.0, tp=-8.0)) is None  # -8 + 7 = -1 > -2 dBTP


def test_wide_loudness_range_still_gets_the_static_gain():
    # loudnorm's dynamic mode compressed such a mix and missed -23 LUFS by 1.6 LU (0304)
    assert rd.linear_gain(measured(lra=12.4)) == pytest.approx(7.0)
    assert rd.linear_gain(measured(lra=0.0)) == pytest.approx(7.0)  # a steady signal


@pytest.mark.parametrize("field,value", [("i", -99.0), ("i", 0.0), ("thresh", -99.0), ("tp", 99.0)])
def test_degenerate_measurements_fall_back_to_loudnorm(field, value):
    assert rd.linear_gain({**measured(), field: value}) is None
