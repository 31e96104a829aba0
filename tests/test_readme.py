"""The README quotes ids and commands that must stay true."""

from __future__ import annotations

from pathlib import Path

from journeyapi.demo import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, demo_action_targets

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def test_the_demo_credentials_in_the_readme_are_the_real_ones() -> None:
    assert f"-u {DEMO_CLIENT_ID}:{DEMO_CLIENT_SECRET}" in README
    assert f'"{DEMO_CLIENT_ID}", "{DEMO_CLIENT_SECRET}"' in README


def test_the_target_in_the_curl_example_is_a_demo_target() -> None:
    billing = demo_action_targets()[0]
    assert billing.name == "Billing"
    assert f"/api/v2/journey/actiontargets/{billing.id}" in README


def test_the_two_commands_exist() -> None:
    root = Path(__file__).parent.parent
    assert "\nscripts/demo\n" in README
    assert "\nscripts/test\n" in README
    assert (root / "scripts" / "demo").stat().st_mode & 0o111
    assert (root / "scripts" / "test").stat().st_mode & 0o111
