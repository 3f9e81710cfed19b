"""The pulse form's reliability against the full form, on simulated answers."""

from bench.pulse_reliability import compare


def test_pulse_scales_keep_the_reliability_their_length_predicts() -> None:
    rows = compare(respondents=400, seed=7)
    assert {row.key for row in rows} >= {"propensity", "analysis", "integrity", "commitments"}
    for row in rows:
        assert row.pulse_items < row.full_items
        assert row.pulse_alpha < row.full_alpha  # fewer items, less reliable ...
        assert row.pulse_alpha >= 0.7  # ... but still fit for group means
        # Same items, same answers: the loss is what Spearman-Brown predicts, no more.
        assert abs(row.pulse_alpha - row.predicted) < 0.05
