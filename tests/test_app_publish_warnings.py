"""Issue 21, "publishing with warnings": the Import page's plausibility warnings follow the editor into the
publish step, by district, with a box to tick before Publish works; the diff reads in the return's units
with thousands separators, per-capita funding and its statuses go before → after, and the warned rows are
flagged."""

from __future__ import annotations

import pytest
from app_harness import make_app, upload
from hash_cost import FAST

from lcity_data import editors
from lcity_data.store import open_store

# 海曙's 2024 funding typed ten times too large (5,232 万元 for 523.2), its population as in the sample
TYPO = "年份,地区,社区教育经费（万元）,户籍人口（万人）\n2024,海曙区,5232,58.45\n".encode()
CLEAN = "年份,地区,社区教育经费（万元）,户籍人口（万人）\n2024,海曙区,540,58.45\n".encode()


@pytest.fixture
def store(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'warn.db'}"
    monkeypatch.setenv("LCITY_DATABASE_URL", url)
    return url


def signed_in(lang: str, name: str, data: bytes):
    at = make_app("import_data", secrets={"editors": {"Chen": editors.hash_password("right pass", **FAST)}},
                  lang=lang)
    upload(at, name, data)
    at.text_input(key="editor_name").input("Chen")
    at.text_input(key="editor_password").input("right pass")
    (submit,) = [b for b in at.button if (b.key or "").startswith("FormSubmitter:editor_sign_in")]
    return submit.click().run()


def frames(at) -> list:
    return [d.value for d in at.dataframe]


def test_warnings_are_carried_into_the_publish_step_and_must_be_acknowledged(store):
    at = signed_in("en", "typo.csv", TYPO)
    assert any("Before publishing: 2 values in this return may be typos" in w.value for w in at.warning)
    warned = next(f for f in frames(at) if "Reason" in f.columns and "District" in f.columns and len(f) == 2)
    assert warned["District"].tolist() == ["Haishu District", "Haishu District"]  # named, not only row 2
    assert at.button(key="publish_confirm").disabled  # until the box is ticked
    assert any("Tick the confirmation above first" in c.value for c in at.caption)

    changes = next(f for f in frames(at) if "Before → after" in f.columns)
    funding = changes[changes["Indicator"] == "Community-education funding"].iloc[0]
    assert (funding["Check"], funding["Before → after"]) == ("⚠", "523.2 → 5,232 10k yuan")
    per_capita = next(f for f in frames(at) if "Funding status" in f.columns).iloc[0]
    assert per_capita["District"] == "Haishu District"
    assert per_capita["Check"] == "⚠"
    assert per_capita["Per person (yuan per person)"] == "8.95 → 89.51"
    assert per_capita["Funding status"] == "● Meets minimum → ★ Meets target"
    assert per_capita["Data status"] == "illustrative → reported"

    at.checkbox(key="publish_ack_warnings").check().run()
    assert not at.button(key="publish_confirm").disabled
    at.button(key="publish_confirm").click().run()
    assert open_store(store).latest_release().release == 2


def test_chinese_publish_step_names_the_district_and_flags_nothing_without_warnings(store):
    at = signed_in("zh", "clean.csv", CLEAN)
    assert not [w for w in at.warning if "发布前请核对" in w.value]
    assert not at.checkbox
    assert not at.button(key="publish_confirm").disabled
    changes = next(f for f in frames(at) if "发布前 → 发布后" in f.columns)
    assert set(changes["请核对"]) == {""}
    assert "（与 publish --dry-run 相同）" not in " ".join(s.value for s in at.subheader)
