"""The demo campaign behind `make run`: the sample ICP through the whole pipeline,
over HTTP like any client, with a live progress bar and a table of the leads."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

TERMINAL = {"completed", "failed", "cancelled"}
FUNNEL = ("discovered", "enriched", "scored", "qualified", "converted")


@dataclass
class DemoResult:
    campaign: dict[str, Any]
    leads: list[dict[str, Any]]
    seconds: float


class GatewayClient:
    def __init__(self, base_url: str, token: str) -> None:
        self.http = httpx.Client(
            base_url=f"{base_url}/api/v1",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {response.status_code}: {response.text}")
        return response.json()

    def pages(self, path: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = self.call(
                "GET",
                path,
                params={**params, "limit": 200, **({"cursor": cursor} if cursor else {})},
            )
            items += page["items"]
            cursor = page.get("nextCursor")
            if not cursor:
                return items


def run_demo(
    gateway_url: str,
    token: str,
    *,
    icp_path: Path,
    max_prospects: int,
    console: Console,
    timeout_s: float = 600,
) -> DemoResult:
    client = GatewayClient(gateway_url, token)
    icp = client.call("POST", "/icps", json=json.loads(icp_path.read_text()))
    started = time.monotonic()
    campaign_id = client.call(
        "POST",
        "/prospecting/campaigns",
        json={
            "icpId": icp["id"],
            "name": f"Demo: {icp['name']}",
            "platforms": ["linkedin"],
            "options": {"maxProspects": max_prospects, "autoEnrich": True, "autoConvert": True},
        },
    )["campaignId"]
    console.print(f"campaign [bold]{campaign_id}[/] for ICP [bold]{icp['name']}[/]")
    status = _follow(client, campaign_id, max_prospects, console, started + timeout_s)
    seconds = time.monotonic() - started
    leads = client.pages("/leads", campaignId=campaign_id)
    return DemoResult(campaign=status, leads=leads, seconds=seconds)


def _follow(
    client: GatewayClient, campaign_id: str, total: int, console: Console, deadline: float
) -> dict[str, Any]:
    columns = (
        TextColumn("{task.description:>10}"),
        BarColumn(),
        TextColumn("{task.completed:>5.0f}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as bar:
        tasks = {stage: bar.add_task(stage, total=total) for stage in FUNNEL}
        while True:
            status = client.call("GET", f"/prospecting/campaigns/{campaign_id}")
            progress = status["progress"]
            discovered = max(progress["discovered"], 1)
            for stage, task in tasks.items():
                bar.update(
                    task,
                    completed=progress[stage],
                    total=total if stage == "discovered" else discovered,
                )
            if status["status"] in TERMINAL:
                return status
            if time.monotonic() > deadline:
                raise TimeoutError(f"campaign still {status['status']} after the deadline")
            time.sleep(0.5)


def top_reasons(breakdown: dict[str, Any], n: int = 2) -> str:
    dims = sorted(breakdown.items(), key=lambda kv: kv[1]["score"], reverse=True)
    return "; ".join(dim["reasons"][0] for _, dim in dims[:n] if dim["reasons"])


def lead_table(client: GatewayClient, campaign_id: str, limit: int = 25) -> Table:
    prospects = client.pages(f"/prospecting/campaigns/{campaign_id}/prospects", status="converted")
    prospects.sort(key=lambda p: p["icpMatchScore"] or 0, reverse=True)
    table = Table(title=f"Leads (top {min(limit, len(prospects))} of {len(prospects)})")
    for column in ("score", "name", "title", "company", "location", "why"):
        table.add_column(column, overflow="fold")
    for p in prospects[:limit]:
        table.add_row(
            f"{p['icpMatchScore']:.2f}",
            p["name"],
            p["title"] or "",
            p["company"] or "",
            p["location"] or "",
            top_reasons(p["breakdown"]),
        )
    return table


def print_summary(result: DemoResult, console: Console) -> None:
    c = result.campaign
    p = c["progress"]
    console.print(
        f"[bold]{c['status']}[/] in {result.seconds:.1f} s: discovered {p['discovered']}, "
        f"enriched {p['enriched']} (skipped {p['enrichmentSkipped']}), scored {p['scored']} -> "
        f"qualified {p['qualified']}, review {p['review']}, rejected {p['rejected']}; "
        f"leads {p['converted']}; cost {c['cost']['total']} {c['cost']['currency']} "
        f"({p['discovered'] / max(result.seconds, 1e-9):.1f} prospects/s)"
    )
