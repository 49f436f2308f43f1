import numpy as np
import pandas as pd
import pytest

from lcity_data.composite import IndexConfig, compute_index, default_config, normalise, sensitivity


def _long(values: dict[tuple[str, int, str], float]) -> pd.DataFrame:
    return pd.DataFrame([{"adcode": a, "year": y, "indicator": i, "value": v} for (a, y, i), v in values.items()])


# Two indicators in two dimensions: funding_per_capita (government), participation_rate (learners).
CONFIG = IndexConfig(indicators={"funding_per_capita": 1.0, "participation_rate": 1.0},
                     dimensions={"government": 0.5, "learners": 0.5},
                     targets={"funding_per_capita": 10, "participation_rate": 50})
PANEL = _long({
    ("330203", 2022, "funding_per_capita"): 2.0, ("330203", 2022, "participation_rate"): 40.0,
    ("330205", 2022, "funding_per_capita"): 10.0, ("330205", 2022, "participation_rate"): 60.0,
    ("330206", 2022, "funding_per_capita"): 6.0, ("330206", 2022, "participation_rate"): 50.0,
})


def test_minmax_by_hand():
    out = compute_index(PANEL, CONFIG, 2022).set_index("adcode")
    # funding: 2→0, 10→100, 6→50; participation: 40→0, 60→100, 50→50
    assert out.loc["330203", "index"] == pytest.approx(0.0)
    assert out.loc["330205", "index"] == pytest.approx(100.0)
    assert out.loc["330206", "index"] == pytest.approx(50.0)
    assert list(out.loc[["330205", "330206", "330203"], "rank"]) == [1, 2, 3]


def test_zscore_by_hand():
    norm = normalise(pd.DataFrame({"funding_per_capita": [2.0, 10.0, 6.0]}), "zscore")
    sd = np.std([2.0, 10.0, 6.0])
    assert norm["funding_per_capita"].tolist() == pytest.approx([-4 / sd, 4 / sd, 0.0])


def test_distance_to_target_by_hand():
    out = compute_index(PANEL, IndexConfig(**{**CONFIG.__dict__, "normalisation": "target"}), 2022)
    out = out.set_index("adcode")
    # 330203: funding 2/10 = 20, participation 40/50 = 80 → 50; 330205 capped at 100 in both → 100
    assert out.loc["330203", "index"] == pytest.approx(50.0)
    assert out.loc["330205", "index"] == pytest.approx(100.0)


def test_weights_per_dimension():
    cfg = IndexConfig(**{**CONFIG.__dict__, "dimensions": {"government": 0.75, "learners": 0.25}})
    out = compute_index(PANEL, cfg, 2022).set_index("adcode")
    assert out.loc["330206", "index"] == pytest.approx(50.0)
    assert cfg.effective_weights().to_dict() == pytest.approx({"funding_per_capita": 0.75, "participation_rate": 0.25})


def test_ties_share_a_rank():
    tied = _long({("330203", 2022, "funding_per_capita"): 5.0, ("330205", 2022, "funding_per_capita"): 5.0,
                  ("330206", 2022, "funding_per_capita"): 1.0})
    cfg = IndexConfig(indicators={"funding_per_capita": 1.0}, dimensions={"government": 1.0})
    ranks = compute_index(tied, cfg, 2022).set_index("adcode")["rank"]
    assert ranks.to_dict() == {"330203": 1, "330205": 1, "330206": 3}


def test_more_than_20_percent_missing_gives_no_index_not_zero():
    inputs = ["funding_per_capita", "teachers_per_10k", "participation_rate", "elderly_enrolment_per_10k",
              "learning_points_per_10k"]
    cfg = IndexConfig(indicators=dict.fromkeys(inputs, 1.0),
                      dimensions={"government": 1, "learners": 1, "society": 1})
    values = {}
    for a, base in (("330203", 1.0), ("330205", 2.0), ("330206", 3.0)):
        for i in cfg.indicators:
            values[(a, 2022, i)] = base
    del values[("330205", 2022, "teachers_per_10k")]                                 # 1 of 5 = 20%: kept
    del values[("330206", 2022, "teachers_per_10k")]
    del values[("330206", 2022, "participation_rate")]                               # 2 of 5 = 40%: none
    out = compute_index(_long(values), cfg, 2022).set_index("adcode")
    assert out.loc["330205", "status"] == "ok"
    assert not np.isnan(out.loc["330205", "index"])
    assert out.loc["330206", "status"] == "insufficient_data"
    assert pd.isna(out.loc["330206", "index"])
    assert pd.isna(out.loc["330206", "rank"])


def test_sensitivity_is_seeded_and_brackets_the_rank():
    from lcity_data.loading import load_shipped

    df = load_shipped()
    cfg = default_config()
    a = sensitivity(df, cfg, 2022, draws=50, seed=7)
    b = sensitivity(df, cfg, 2022, draws=50, seed=7)
    pd.testing.assert_frame_equal(a, b)
    assert (a["rank_min"] <= a["rank"]).all()
    assert (a["rank"] <= a["rank_max"]).all()
    none = sensitivity(df, cfg, 2022, draws=50, spread=0.0)
    assert (none["rank_min"] == none["rank_max"]).all()


def test_distance_to_target_without_a_policy_target_uses_the_best_observed_value():
    norm = normalise(pd.DataFrame({"teachers_per_10k": [1.0, 4.0, 2.0]}), "target", {})
    assert norm["teachers_per_10k"].tolist() == pytest.approx([25.0, 100.0, 50.0])


def test_scores_equal_at_the_precision_shown_share_a_rank():
    """75.51 and 75.53 both read 75.5: one rank, the next district third (competition ranking)."""
    from lcity_data.composite import score_decimals

    tied = _long({("330203", 2022, "funding_per_capita"): 7.551, ("330205", 2022, "funding_per_capita"): 7.553,
                  ("330206", 2022, "funding_per_capita"): 2.0, ("330211", 2022, "funding_per_capita"): 10.0})
    cfg = IndexConfig(indicators={"funding_per_capita": 1.0}, dimensions={"government": 1.0},
                      normalisation="target", targets={"funding_per_capita": 10})
    assert score_decimals("target") == 1
    assert score_decimals("zscore") == 2
    ranks = compute_index(tied, cfg, 2022).set_index("adcode")["rank"]
    assert ranks.to_dict() == {"330211": 1, "330203": 2, "330205": 2, "330206": 4}
    ranges = sensitivity(tied, cfg, 2022, draws=5).set_index("adcode")
    assert ranges.loc["330203", "rank_min"] == ranges.loc["330205", "rank_min"] == 2
