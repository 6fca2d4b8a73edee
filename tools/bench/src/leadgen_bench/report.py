"""The ratios and goals of issue 10, and the printed table."""

from __future__ import annotations

from typing import Any


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 3) if a is not None and b else None


def ratios(r: dict[str, Any]) -> dict[str, float | None]:
    p, b = r["pipeline"], r["baseline"]
    return {
        "pipeline_vs_embedder": _ratio(p["prospects_per_s"], b["embedder_per_s"]),
        "pipeline_vs_noop_chain": _ratio(p["prospects_per_s"], b["noop_chain_per_s"]),
        "noop_embedder_pipeline_vs_noop_chain": _ratio(
            p["noop_embedder_prospects_per_s"], b["noop_chain_per_s"]
        ),
        "scale_out_2_vs_1": _ratio(
            r["scale_out"]["replicas_2_prospects_per_s"],
            r["scale_out"]["replicas_1_prospects_per_s"],
        ),
    }


def goals(r: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each goal: the figure, the target and whether it is met (None: not measured)."""
    growth = [m.get("growth_after_10pct_mib") for m in r["memory"].values()]
    checks = {
        "pipeline_vs_embedder >= 0.8": (r["ratios"]["pipeline_vs_embedder"], 0.8, ">="),
        "noop_pipeline_vs_noop_chain >= 0.5": (
            r["ratios"]["noop_embedder_pipeline_vs_noop_chain"],
            0.5,
            ">=",
        ),
        "scoring domain < 1 ms/prospect": (r["scoring"]["domain_ms_per_prospect"], 1.0, "<"),
        "enrichment hit p95 < 50 ms": (r["enrichment"]["hit_p95_ms"], 50.0, "<"),
        "gateway p95 < 50 ms at 200/s": (r["gateway"]["p95_ms"], 50.0, "<"),
        "limiter over-admissions == 0": (r["limiter"]["over_admissions"], 0, "=="),
        "largest RSS growth from 10% of the campaign to its end (MiB)": (
            max((g for g in growth if g is not None), default=None),
            None,
            "info",
        ),
    }
    out = {}
    for name, (value, target, op) in checks.items():
        met = None
        if value is not None and target is not None:
            met = {">=": value >= target, "<": value < target, "==": value == target}[op]
        out[name] = {"value": value, "target": target, "met": met}
    return out


def _f(value: Any, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.2f}{unit}"
    return f"{value:,}{unit}"


def _pcts(lat: dict[str, Any]) -> str:
    return f"p50/p95/p99 {_f(lat['p50_ms'])}/{_f(lat['p95_ms'])}/{_f(lat['p99_ms'])} ms"


def table(r: dict[str, Any]) -> str:
    p, b, g, m = r["pipeline"], r["baseline"], r["gateway"], r["machine"]
    e, lim, so = r["enrichment"], r["limiter"], r["scale_out"]
    rows: list[tuple[str, str]] = [
        ("machine", f"{m['cores']} cores, {m['cpu_model']}, {m['date']}"),
        ("load average at start", str(m["load_avg_at_start"])),
        ("mode", r["mode"]),
        ("pipeline prospects/s (sustained, stored by lead-writer)", _f(p["prospects_per_s"])),
        ("pipeline prospects/s (campaign start to last stored)", _f(p["wall_prospects_per_s"])),
    ]
    for stage, f in p["stages"].items():
        text = f"{_f(f['sustained_per_s'])}/s"
        if f.get("latency"):
            text += f"; latency {_pcts(f['latency'])}"
        rows.append((f"  {stage}", text))
    for name in ("discovered_to_stored", "discovered_to_lead"):
        rows.append((f"  {name.replace('_', ' ')} (n={p[name]['n']})", _pcts(p[name])))
    best = b["embedder"]["best"]
    rows += [
        ("pipeline with the no-op embedder, prospects/s", _f(p["noop_embedder_prospects_per_s"])),
        ("baseline: no-op 4-hop chain, messages/s", _f(b["noop_chain_per_s"])),
        (
            "baseline: raw embedder texts/s (best)",
            f"{_f(b['embedder_per_s'])} (threads {best['threads']}, batch {best['batch']})",
        ),
        ("ratio pipeline / raw embedder", _f(r["ratios"]["pipeline_vs_embedder"])),
        ("ratio pipeline / no-op chain", _f(r["ratios"]["pipeline_vs_noop_chain"])),
        (
            "ratio no-op-embedder pipeline / no-op chain",
            _f(r["ratios"]["noop_embedder_pipeline_vs_noop_chain"]),
        ),
        ("scoring domain ms/prospect", _f(r["scoring"]["domain_ms_per_prospect"])),
        (
            "scoring embeddings/s at batch 1/16/64",
            "/".join(_f(v) for v in r["scoring"]["embeddings_per_s"].values()),
        ),
        ("enrichment hit p50/p95 ms", f"{_f(e['hit_p50_ms'])}/{_f(e['hit_p95_ms'])}"),
        ("enrichment miss p50/p95 ms", f"{_f(e['miss_p50_ms'])}/{_f(e['miss_p95_ms'])}"),
        (f"gateway at {_f(g['offered_per_s'])}/s for {_f(g['seconds'])} s", _pcts(g)),
        ("  answers", f"{g['statuses']}, dropped {g['dropped']}"),
    ]
    rows += [(f"  {route}", _pcts(lat)) for route, lat in g["routes"].items()]
    rows += [
        (
            "limiter decisions/s, 64 callers (one bucket; under a cap)",
            f"{_f(lim['bucket']['decisions_per_s'])}; "
            f"{_f(lim['bucket_under_cap']['decisions_per_s'])}",
        ),
        ("limiter over-admissions", _f(lim["over_admissions"])),
        (
            "scale-out prospects/s, 1 -> 2 scoring replicas",
            f"{_f(so['replicas_1_prospects_per_s'])} -> {_f(so['replicas_2_prospects_per_s'])}",
        ),
        (
            "scale-out scoring stage/s, 1 -> 2 replicas",
            f"{_f(so['replicas_1_scoring_per_s'])} -> {_f(so['replicas_2_scoring_per_s'])}",
        ),
    ]
    for name, mem in r["memory"].items():
        keys = ("start_mib", "at_10pct_mib", "at_50pct_mib", "end_mib", "final_mib")
        values = "/".join(_f(mem.get(k)) for k in keys)
        rows.append((f"RSS {name} MiB start/10%/50%/end of campaign/final", values))
    for name, goal in r["goals"].items():
        state = {True: "met", False: "NOT met", None: "-"}[goal["met"]]
        rows.append((f"goal: {name}", f"{_f(goal['value'])} ({state})"))
    rows.append(("elapsed", f"{r['elapsed_s']} s"))
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
