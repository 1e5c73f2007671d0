"""Coverage and false-``supported`` rate of the micro-versus-macro ROI claim over SIMULATED worlds.

For each world kind of `inflresearch.data.synth.CAMPAIGN_WORLDS` (plus the blog-tier world with
no creator ids), `--worlds` null worlds (no true difference) and, for the blog tiers and the
heavy tail, worlds with a 30% true ROAS lift for micro creators. Per setting it prints the share
of worlds whose printed interval covers the true pooled-ROI difference, the share `supported`
(after Holm in a one-claim family, and after any verdict cap the claim carries), `contradicted`,
the median Kish effective accounts and top-5 cost share of the macro group, the coverage of
the true ROAS ratio by the Poisson fixed-effects (PPML) interval.

Run: ``.venv/bin/python benchmarks/roi_coverage.py --worlds 150`` (about 0.5 s per world).
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np

from inflresearch.claims import Claim, adjust_holm
from inflresearch.data.synth import simulate_campaign_world
from inflresearch.questions.roi.comparisons import micro_vs_macro

SETTINGS: list[tuple[str, str, dict[str, Any]]] = [
    ("null heavy_tail", "heavy_tail", {}),
    ("null blog_tiers", "blog_tiers", {}),
    ("null no_recurrence", "no_recurrence", {}),
    ("null blog_tiers, no creator ids", "blog_tiers", {"missing_account_share": 1.0}),
    ("lift 1.3 blog_tiers", "blog_tiers", {"micro_roas_lift": 1.3}),
    ("lift 1.3 heavy_tail", "heavy_tail", {"micro_roas_lift": 1.3}),
]


def final_verdict(claim: Claim) -> str:
    """Holm verdict (one-claim family), lowered to the claim's own verdict cap if it has one."""
    c = adjust_holm([claim])[0]
    if claim.details.get("verdict_cap") == "inconclusive" and c.verdict != "not testable":
        return "inconclusive"
    return c.verdict


def run(kind: str, knobs: dict[str, Any], n_worlds: int, n_boot: int) -> dict[str, float]:
    """Rates over `n_worlds` seeds of one setting."""
    covered, verdicts, kish, top5, ppml = [], [], [], [], []
    for seed in range(n_worlds):
        w = simulate_campaign_world(seed=seed, kind=kind, **knobs)
        t = w.truth
        r = micro_vs_macro(w.campaigns, micro=tuple(t["micro"]), macro=tuple(t["macro"]),
                           n_boot=n_boot, seed=seed)
        c = r.claim
        covered.append(c.ci_low <= t["true_roi_difference"] <= c.ci_high)
        verdicts.append(final_verdict(c))
        lo, hi = c.details["adjusted_roas_ratio_ci"]
        ppml.append(bool(lo <= t["micro_roas_lift"] <= hi))
        kish.append(c.details.get("kish_effective_accounts", {}).get(r.groups["group"].iloc[1],
                                                                       np.nan))
        top5.append(c.details.get("top5_cost_share", {}).get(r.groups["group"].iloc[1], np.nan))
    v = np.array(verdicts)
    return {"coverage": float(np.mean(covered)), "supported": float(np.mean(v == "supported")),
            "contradicted": float(np.mean(v == "contradicted")),
            "ppml_coverage": float(np.mean(ppml)),
            "kish_macro_median": float(np.nanmedian(kish)) if np.isfinite(kish).any() else np.nan,
            "top5_macro_median": float(np.nanmedian(top5)) if np.isfinite(top5).any() else np.nan}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=150)
    parser.add_argument("--n-boot", type=int, default=499)
    parser.add_argument("--only", nargs="*", default=[], help="settings whose label contains one "
                        "of these words")
    args = parser.parse_args()
    print(f"SIMULATED worlds: {args.worlds} per setting, {args.n_boot} bootstrap replicates")
    print(f"{'setting':36s} {'coverage':>8s} {'supported':>9s} {'contra':>7s} "
          f"{'kish':>6s} {'top5':>5s} {'ppml':>5s} {'secs':>5s}")
    for label, kind, knobs in SETTINGS:
        if args.only and not any(word in label for word in args.only):
            continue
        start = time.perf_counter()
        r = run(kind, knobs, args.worlds, args.n_boot)
        print(f"{label:36s} {r['coverage']:8.3f} {r['supported']:9.3f} {r['contradicted']:7.3f} "
              f"{r['kish_macro_median']:6.1f} {r['top5_macro_median']:5.2f} "
              f"{r['ppml_coverage']:5.2f} "
              f"{time.perf_counter() - start:5.0f}")


if __name__ == "__main__":
    main()
