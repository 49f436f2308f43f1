"""Publishing from the Import page publishes the import worker's report: from the upload through the dry-run
diff to the release, the file is parsed once, in the worker (within its time and memory limits, with the
session's base data), and never in the server process.
"""

from __future__ import annotations

import hashlib
import sys
import uuid

import pytest
from app_harness import make_app, upload
from hash_cost import FAST

from dashboard.uploads import import_worker
from lcity_data import editors, importer
from lcity_data.store import open_store
from tests.worker_targets import parse_log

RETURN_CSV = (b"year,district,indicator,value,unit,status,source\n"
              b"2024,Haishu,Community education funding,1400,10k yuan,official,Haishu return 2024\n")


@pytest.fixture
def counted(tmp_path, monkeypatch) -> dict:
    """A fresh store; imports in the worker counted by file name, any parse in this (the server) process too:
    the importer's entry point is replaced wherever a project module holds it."""
    monkeypatch.setenv("LCITY_DATABASE_URL", f"sqlite:///{tmp_path / 'lcity.db'}")
    monkeypatch.setattr(import_worker, "_TARGET", "tests.worker_targets:counting_import")
    in_server: list[str] = []
    real = importer.import_file

    def counting(*args, **kwargs):
        in_server.append(kwargs.get("filename") or str(args[0]))
        return real(*args, **kwargs)

    holders = [m for name, m in list(sys.modules.items()) if name.split(".")[0] in ("lcity_data", "dashboard")
               and getattr(m, "import_file", None) is real]
    assert importer in holders
    for module in holders:
        monkeypatch.setattr(module, "import_file", counting)
    name = f"haishu_{uuid.uuid4().hex[:12]}.csv"  # its own name: no earlier import is cached, no shared counter
    yield {"name": name, "in_server": in_server}
    parse_log(name).unlink(missing_ok=True)


def parses_in_worker(name: str) -> int:
    log = parse_log(name)
    return len(log.read_text(encoding="utf-8").splitlines()) if log.exists() else 0


def test_upload_diff_and_publish_parse_the_file_once(counted):
    name = counted["name"]
    at = make_app("import_data", secrets={"editors": {"Chen": editors.hash_password("right pass", **FAST)}},
                  lang="en")
    upload(at, name, RETURN_CSV)
    assert parses_in_worker(name) == 1

    at.text_input(key="editor_name").input("Chen")
    at.text_input(key="editor_password").input("right pass")
    at.button(key="FormSubmitter:editor_sign_in-Sign in").click().run()
    assert {m.label: m.value for m in at.metric}["Changed"] == "1"  # the dry-run diff, from the report

    at.checkbox(key="publish_ack_warnings").check().run()  # the plausibility warnings, acknowledged
    at.button(key="publish_confirm").click().run()
    assert any("Published as data release 2" in s.value for s in at.success)
    assert parses_in_worker(name) == 1
    assert counted["in_server"] == []

    info = open_store().latest_release()
    assert info.files == [{"name": name, "sha256": hashlib.sha256(RETURN_CSV).hexdigest(), "size": len(RETURN_CSV),
                           "sheet": None}]
    assert info.report["accepted"] == 1
    assert info.report["files"][0]["file"] == name
