"""Markdown tables of a benchmark run."""

import argparse
import os
import platform
from typing import Any

from fanout.phases import PhaseResult

HEADER = (
    "| clients | target | phase | p50 ms | p99 ms | max ms | late, lost | "
    "CPU µs/update | bytes/update | rate msg/s |\n"
    "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"
)
PHASES = {
    "rest": "one at a time, REST send",
    "page": "one at a time, page send",
    "logins": "one at a time, 20 logins running",
    "flood": "flood, 4 senders",
    "burst": "burst in 1 s",
}


def _row(count: int, target: str, phase: str, result: PhaseResult) -> str:
    cells = [
        str(count),
        target,
        PHASES[phase],
        f"{result.percentile(0.5) * 1000:.0f}",
        f"{result.percentile(0.99) * 1000:.0f}",
        f"{result.percentile(1.0) * 1000:.0f}",
        _missed(result),
        f"{result.cpu_per_update * 1e6:.0f}",
        f"{result.bytes_per_update:.0f}",
        f"{result.rate:.0f}" if phase == "flood" else "",
    ]
    return "| " + " | ".join(cells) + " |"


def _missed(result: PhaseResult) -> str:
    total = result.messages * result.clients
    text = f"{result.late} late, {result.lost} lost of {total}"
    if result.failed_sends:
        reasons = ", ".join(f"{n}x {why}" for why, n in result.failed_sends.items())
        text += f" (sends failed: {reasons})"
    if result.unstored:
        text += f" ({result.unstored} messages not stored)"
    return text


def round_rows(count: int, results: dict[str, Any]) -> list[str]:
    """Return the table rows of one round, one per target and phase."""
    rows = []
    for target in ("reflex", "observers", "bare"):
        for phase, result in results.get(target, {}).items():
            if isinstance(result, PhaseResult):
                rows.append(_row(count, target, phase, result))
    return rows


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.1f}x" if denominator else "n/a"


def _ratios(count: int, rounds: dict[str, Any]) -> list[str]:
    if not {"rest", "flood"} <= rounds.get("bare", {}).keys():
        return []
    bare = rounds["bare"]["rest"]
    lines = []
    for target in ("reflex", "observers"):
        if "rest" not in rounds.get(target, {}) or "flood" not in rounds[target]:
            continue
        result = rounds[target]["rest"]
        flood, bare_flood = rounds[target]["flood"], rounds["bare"]["flood"]
        p50 = _ratio(result.percentile(0.5), bare.percentile(0.5))
        lines.append(
            f"| {count} | {target} | {p50}"
            f" | {_ratio(result.percentile(0.99), bare.percentile(0.99))}"
            f" | {_ratio(result.cpu_per_update, bare.cpu_per_update)}"
            f" | {_ratio(flood.cpu_per_update, bare_flood.cpu_per_update)}"
            f" | {_ratio(bare_flood.rate, flood.rate)} |"
        )
    return lines


def render(
    rounds: dict[int, dict[str, Any]],
    rest: dict[str, Any] | None,
    args: argparse.Namespace,
) -> str:
    """Render every round, the ratios to the bare baseline and the REST reads."""
    lines = [
        f"Machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, "
        f"{args.messages} messages per one-at-a-time phase.",
        "",
        HEADER,
    ]
    for count, results in rounds.items():
        lines += round_rows(count, results)
    lines += [
        "",
        "| clients | load average | connect s (reflex, observers, bare) | "
        "KiB per client (reflex, observers, bare) |",
        "|---:|---|---|---|",
    ]
    for count, results in rounds.items():
        targets = [results.get(t, {}) for t in ("reflex", "observers", "bare")]
        connect = ", ".join(f"{t['connect_s']:.1f}" if t else "-" for t in targets)
        memory = ", ".join(
            f"{t['rss_per_client'] / 1024:.0f}" if t else "-" for t in targets
        )
        lines.append(f"| {count} | {results['load']} | {connect} | {memory} |")
    lines += [
        "",
        "Ratios to the bare Starlette broadcast (one at a time, REST send):",
        "",
        "| clients | target | p50 | p99 | CPU/update | CPU/update in flood "
        "| bare flood rate / this |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for count, results in rounds.items():
        lines += _ratios(count, results)
    if rest is None:
        return "\n".join(lines)
    lines += [
        "",
        "GET /api/chat/messages?limit=50, 50 concurrent clients, "
        f"{args.rest_seconds:.0f} s each (load average {rest['load']}):",
        "",
        f"StreamChat {rest['chat']:.0f} requests/s, bare FastAPI + sqlite3 "
        f"{rest['bare']:.0f} requests/s, ratio {rest['chat'] / rest['bare']:.2f}, "
        f"{rest['failed']} failed requests.",
    ]
    return "\n".join(lines)
