"""make bench: the HTTP load test (bench/http.py), then every earlier benchmark, then one table.

Each benchmark prints its own tables as it goes (as when run alone, `python -m bench.<name>`);
the combined table at the end puts the figures of all of them side by side.
"""

import importlib
import sys
import time
import traceback

from bench import http
from bench.common import print_table

# (module, label): the earlier issues' benchmarks, in the order of the issues.
EARLIER = [
    ("pages", "Seiten"),
    ("network", "Netzwerk"),
    ("comments", "These"),
    ("search", "Suche"),
    ("events", "Veranstaltungen"),
    ("selfcheck", "Selbstcheck"),
    ("newsletter", "Newsletter"),
]
# Figures that get a column of their own; everything else is named in "Messung".
_P50 = ("p50 ms", "median_ms")
_P95 = ("p95 ms", "p95_ms")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def combined_row(benchmark: str, row: dict) -> dict:
    p50 = next((row[key] for key in _P50 if key in row), "")
    p95 = next((row[key] for key in _P95 if key in row), "")
    skip = {*_P50, *_P95, "queries", "Anfragen/s", "Ergebnis", "Ziel", "Adresse", "p99 ms"}
    skip |= {"× healthz", "Fehler", "wrk-CPU"}
    parts = [
        _cell(value) if isinstance(value, str) else f"{key} {_cell(value)}"
        for key, value in row.items()
        if key not in skip
    ]
    return {
        "Benchmark": benchmark,
        "Messung": " · ".join(parts),
        "p50/Median ms": p50,
        "p95 ms": p95,
        "Anfragen/s": row.get("Anfragen/s", ""),
        "Abfragen": row.get("queries", ""),
        "Ziel": row.get("Ziel", ""),
        "Ergebnis": row.get("Ergebnis", ""),
    }


def main() -> int:
    started = time.perf_counter()
    combined = [combined_row("HTTP (wrk)", row) for row in http.main()]
    failed = []
    for module, label in EARLIER:
        print(f"\n=== bench.{module} ===", flush=True)
        try:
            rows = importlib.import_module(f"bench.{module}").main()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(module)
            continue
        combined.extend(combined_row(label, row) for row in rows)
    minutes = (time.perf_counter() - started) / 60
    print_table(f"Alle Benchmarks (make bench, {minutes:.0f} min)", combined)
    if failed:
        print(f"\nAbgebrochen: {', '.join(failed)} (siehe oben).")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
