"""/metrics in Prometheus' text format: the backlog gauges follow the work, the counters count
it; /healthz answers; and every metric the operations dashboard and alert rules use exists."""

from __future__ import annotations

import json
import re
from pathlib import Path

import aiohttp
import yaml

from tests.e2e.harness import GROUP, RIDER, Harness
from tests.e2e.resilience.probes import eventually, family_names, health_url, scrape, value

OPERATIONS = Path(__file__).resolve().parents[3] / "docs" / "operations"
METRIC = re.compile(r"\bliaison_[a-z_]+")


async def test_backlog_gauges_follow_the_work(liaison: Harness):
    app = liaison.app
    samples = await scrape(app)
    assert value(samples, "liaison_database_up") == 1
    assert value(samples, "liaison_inbox_backlog") == 0
    assert value(samples, "liaison_outbox_backlog", platform="telegram") == 0

    # Hold the inbox workers and the sender back, so that work piles up where it is seen.
    async def nothing_to_do():
        return False

    async def nothing_to_claim():
        return []

    app.processor._step = nothing_to_do
    app.sender._claim = nothing_to_claim
    await liaison.server.post_venue(GROUP, RIDER, 39.9215, 116.4712, "路面鼓包", "东湖路")
    await liaison.server.wait_for_no_pending_updates()
    samples = await scrape(app)
    assert value(samples, "liaison_inbox_backlog") == 1
    assert value(samples, "liaison_inbox_oldest_pending_age_seconds") >= 0

    del app.processor._step
    app.processor.poke()
    await eventually(lambda: app.processor.handled == 1)
    samples = await scrape(app)
    assert value(samples, "liaison_inbox_backlog") == 0
    waiting = value(samples, "liaison_outbox_backlog", platform="telegram")
    assert waiting >= 2  # the card in the group, the announcement to the department
    assert value(samples, "liaison_tickets", status="assigned") == 1
    assert value(samples, "liaison_handler_duration_seconds_count", kind="message",
                 outcome="ok") == 1

    del app.sender._claim
    await liaison.settle()
    samples = await scrape(app)
    assert value(samples, "liaison_outbox_backlog", platform="telegram") == 0
    assert value(samples, "liaison_outbox_sent_total", platform="telegram",
                 kind="send_text") >= 1
    assert value(samples, "liaison_task_running", task="outbox") == 1

    async with aiohttp.ClientSession() as http, http.get(health_url(app, "/healthz")) as answer:
        assert answer.status == 200


async def test_the_dashboard_and_alerts_use_only_exported_metrics(liaison: Harness):
    rules = yaml.safe_load((OPERATIONS / "alerts.yml").read_text(encoding="utf-8"))
    expressions = [rule["expr"] for group in rules["groups"] for rule in group["rules"]]
    assert {rule["alert"] for group in rules["groups"] for rule in group["rules"]} >= {
        "LiaisonOutboxStuck", "LiaisonInboxGrowing", "LiaisonOverdueRising",
        "LiaisonTaskRestarting"}
    dashboard = json.loads((OPERATIONS / "grafana-dashboard.json").read_text(encoding="utf-8"))
    targets = [target["expr"] for panel in dashboard["panels"]
               for target in panel.get("targets", [])]
    used = {name for text in [*expressions, *targets] for name in METRIC.findall(text)}
    families = await family_names(liaison.app)
    # Counters and histograms are used under their sample names (_total, _bucket, _count…).
    missing = {name for name in used
               if re.sub(r"_(total|bucket|count|sum)$", "", name) not in families}
    assert used and not missing, missing
