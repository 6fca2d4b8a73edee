"""`make bench` (``python -m leadgen_bench``): the pipeline against its limits, every
figure beside a baseline measured in the same run, printed as a table and written to
``bench/results.json`` (schema: ``bench/schema.json``; see ``bench/README.md``).

A full run starts and stops three stacks of its own: the main one (the 10,000-prospect
campaign, the no-op chain, the gateway load, the limiter, memory), one whose scoring
embeds with the no-op embedder, one with two scoring replicas; the embedder, scoring and
enrichment figures are taken in this process between them. ``--smoke`` runs every part
small against a running stack (``--stack-home``) and skips the two extra stacks.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
from leadgen_devstack.config import DevstackSettings, repo_root

from . import report
from .chain import run_chain
from .embedder import embedder_figures, enrichment_figures, pipeline_profiles, scoring_figures
from .gateway import offered_load
from .limiter import limiter_figures
from .pipeline import run_campaign
from .stack import Stack, existing_stack, own_stack


def schema_path() -> Path:
    return repo_root() / "bench" / "schema.json"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m leadgen_bench", description=__doc__)
    parser.add_argument("--out", type=Path, default=repo_root() / "bench" / "results.json")
    parser.add_argument("--prospects", type=int, default=10_000, help="main campaign")
    parser.add_argument("--noop-prospects", type=int, default=10_000)
    parser.add_argument("--scaleout-prospects", type=int, default=3_000)
    parser.add_argument("--chain-messages", type=int, default=10_000)
    parser.add_argument("--gateway-rate", type=float, default=200.0, help="requests/s")
    parser.add_argument("--gateway-seconds", type=float, default=30.0)
    parser.add_argument("--embed-seconds", type=float, default=3.0, help="per batch size")
    parser.add_argument("--texts", type=int, default=1024, help="profile texts to embed")
    parser.add_argument("--domain-prospects", type=int, default=256)
    parser.add_argument("--enrichment-prospects", type=int, default=200)
    parser.add_argument("--limiter-seconds", type=float, default=5.0)
    parser.add_argument("--limiter-limit", type=int, default=5_000)
    parser.add_argument(
        "--scoring-threads", type=int, default=2, help="EMBEDDER_THREADS of the stacks' scoring"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="every part tiny; no noop or scale-out stack"
    )
    parser.add_argument(
        "--stack-home", type=Path, help="use this running stack (LEADGEN_HOME) for the main part"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.prospects, args.chain_messages = min(args.prospects, 60), min(args.chain_messages, 200)
        args.gateway_rate, args.gateway_seconds = min(args.gateway_rate, 20.0), 2.0
        args.embed_seconds, args.texts, args.domain_prospects = 0.1, 16, 16
        args.enrichment_prospects, args.limiter_seconds, args.limiter_limit = 10, 0.5, 200
    return args


def machine() -> dict[str, Any]:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "cpu_model": model,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def _main_part(stack: Stack, args: argparse.Namespace, out: dict[str, Any]) -> list:
    """On the main stack: the campaign, then (the pipeline idle) the no-op chain, the
    gateway load, the limiter. Returns the campaign's profiles for the embedder part."""
    bootstrap = stack.env["KAFKA_BOOTSTRAP_SERVERS"]
    timeout = max(180.0, args.prospects / 5)
    _say(f"pipeline: a {args.prospects}-prospect campaign")
    pipeline = asyncio.run(run_campaign(stack, args.prospects, timeout_s=timeout))
    body = pipeline.pop("sample_body")
    out["pipeline"] = pipeline
    out["memory"] = pipeline.pop("memory")
    campaign_id = pipeline["campaign"]["id"]
    _say(f"baseline: no-op chain of 4 hops, {args.chain_messages} messages")
    out["baseline"]["noop_chain"] = asyncio.run(
        run_chain(
            bootstrap,
            body,
            args.chain_messages,
            partitions=DevstackSettings().partitions,
            timeout_s=max(120.0, args.chain_messages / 20),
        )
    )
    profiles = asyncio.run(pipeline_profiles(bootstrap, campaign_id, args.texts))
    _say(f"gateway: {args.gateway_rate:.0f} requests/s for {args.gateway_seconds:.0f} s")
    out["gateway"] = asyncio.run(
        offered_load(
            stack.env["GATEWAY_URL"],
            stack.token("bench"),
            campaign_id,
            rate=args.gateway_rate,
            seconds=args.gateway_seconds,
        )
    )
    _say("rate limiter: 64 concurrent callers")
    out["limiter"] = asyncio.run(
        limiter_figures(
            stack.env["REDIS_URL"], seconds=args.limiter_seconds, limit=args.limiter_limit
        )
    )
    for name, process in stack.service_processes().items():
        try:
            out["memory"].setdefault(name, {})["final_mib"] = round(
                process.memory_info().rss / 2**20, 1
            )
        except Exception:  # noqa: BLE001 - a process gone is shown as missing
            continue
    return profiles


def _campaign_on_own_stack(label: str, env: dict[str, str], prospects: int) -> dict[str, Any]:
    with own_stack(label, env) as stack:
        figures = asyncio.run(run_campaign(stack, prospects, timeout_s=max(180.0, prospects / 5)))
    figures.pop("sample_body")
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    started = time.monotonic()
    out: dict[str, Any] = {
        "schema_version": 1,
        "mode": "smoke" if args.smoke else "full",
        "machine": machine(),
        "config": {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in vars(args).items()
            if k not in ("out", "stack_home")
        },
        "baseline": {},
    }
    if args.stack_home:
        profiles = _main_part(existing_stack(args.stack_home), args, out)
    else:
        with own_stack("main", {"EMBEDDER_THREADS": str(args.scoring_threads)}) as stack:
            profiles = _main_part(stack, args, out)
    _say("baseline: raw embedder on the campaign's profile texts")
    embedder = embedder_figures(
        profiles, seconds=args.embed_seconds, scoring_threads=args.scoring_threads
    )
    out["baseline"]["embedder"] = embedder
    _say("scoring: domain time per prospect")
    out["scoring"] = scoring_figures(profiles[: args.domain_prospects], embedder)
    _say("enrichment: cache miss and hit latency")
    out["enrichment"] = enrichment_figures(args.enrichment_prospects)
    noop = scale = None
    if not args.smoke:
        _say(f"pipeline with the no-op embedder: {args.noop_prospects} prospects")
        noop = _campaign_on_own_stack(
            "noop",
            {"EMBEDDINGS_PROVIDER": "noop", "EMBEDDER_THREADS": str(args.scoring_threads)},
            args.noop_prospects,
        )
        _say(f"scale-out: 2 scoring replicas, {args.scaleout_prospects} prospects")
        scale = _campaign_on_own_stack(
            "scale",
            {
                "LEADGEN_REPLICAS": json.dumps({"scoring": 2}),
                "EMBEDDER_THREADS": str(args.scoring_threads),
            },
            args.scaleout_prospects,
        )
    out["pipeline"]["noop_embedder"] = noop
    out["pipeline"]["noop_embedder_prospects_per_s"] = noop and noop["prospects_per_s"]
    out["scale_out"] = {
        "replicas_1_prospects_per_s": out["pipeline"]["prospects_per_s"],
        "replicas_1_scoring_per_s": out["pipeline"]["stages"]["scoring"]["sustained_per_s"],
        "replicas_2_prospects_per_s": scale and scale["prospects_per_s"],
        "replicas_2_scoring_per_s": scale and scale["stages"]["scoring"]["sustained_per_s"],
        "replicas_2": scale,
    }
    out["baseline"]["noop_chain_per_s"] = out["baseline"]["noop_chain"]["per_s"]
    out["baseline"]["embedder_per_s"] = embedder["per_s"]
    out["ratios"] = report.ratios(out)
    out["goals"] = report.goals(out)
    out["elapsed_s"] = round(time.monotonic() - started, 1)
    return out


def _say(text: str) -> None:
    print(f"[bench {datetime.now(UTC):%H:%M:%S}] {text}", file=sys.stderr, flush=True)


def _terminate(signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # unwinds through every `finally`: stacks stop


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    signal.signal(signal.SIGTERM, _terminate)
    results = run(args)
    jsonschema.validate(results, json.loads(schema_path().read_text()))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(report.table(results))
    print(f"\nwritten to {args.out}")
    return 0
