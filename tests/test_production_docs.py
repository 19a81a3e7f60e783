"""README "Running in production" against the code: its alert rules and its settings."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from prometheus_client import REGISTRY

from parley.telemetry import metrics  # noqa: F401  (defines Parley's metrics in the registry)
from parley.web.settings import Settings

README = Path(__file__).resolve().parents[1] / "README.md"
SUFFIXES = ("", "_total", "_bucket", "_count", "_sum")
# Read by libraries themselves, not by Settings.
OUTSIDE_SETTINGS = {"PROMETHEUS_MULTIPROC_DIR"}


def production_section() -> str:
    text = README.read_text()
    start = text.index("## Running in production")
    return text[start : text.index("\n## ", start + 1)]


def exported_names() -> set[str]:
    return {
        family.name + suffix
        for family in REGISTRY.collect()
        if family.name.startswith("parley_")
        for suffix in SUFFIXES
    }


def test_the_sample_alerts_parse_and_use_only_metrics_parley_exports() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", production_section(), re.DOTALL)
    (rules,) = [yaml.safe_load(block) for block in blocks if "groups:" in block]
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    used = {name for expr in expressions for name in re.findall(r"parley_\w+", expr)}
    assert used, "no alert uses a Parley metric"
    assert used <= exported_names(), used - exported_names()
    for required in ("parley_delivery_lag_seconds_bucket", "parley_notifier_backlog"):
        assert required in used
    assert "parley_subscriber_overflows_total" in used  # the 4008 rate


def test_every_metric_parley_exports_is_documented() -> None:
    families = {family.name for family in REGISTRY.collect() if family.name.startswith("parley_")}
    section = production_section()
    missing = [name for name in families if f"`{name}" not in section]
    assert not missing


def test_every_documented_setting_is_one_parley_reads() -> None:
    section = production_section()
    table = section[section.index("### Settings to change") : section.index("### Metrics")]
    named = set(re.findall(r"`((?:PARLEY|OTEL|DATABASE|BROADCAST|PROMETHEUS)_?[A-Z_]*)`", table))
    known = set(OUTSIDE_SETTINGS)
    for name, field in Settings.model_fields.items():
        known.add(f"PARLEY_{name.upper()}")
        alias = field.validation_alias
        known.update(str(choice) for choice in getattr(alias, "choices", ()))
    unknown = {name for name in named if not name.endswith("_") and name not in known}
    assert len(named) > 10
    assert not unknown
