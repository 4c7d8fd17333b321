#!/usr/bin/python3
"""make_samples.py: writes the recorded sample pairs of `make baselines LESSON=08` (run once;
the files are committed). Each scenario is two Google Benchmark JSON files, OLD and NEW, as
--benchmark_repetitions=20 writes them: 20 repetitions of one benchmark (run_type "iteration",
real_time = cpu_time in ns), then its mean, median and stddev aggregates. compare.py
(`compare.py benchmarks OLD NEW`) runs its U test on the repetitions and prints the change of
each aggregate; baselines.c reads the repetitions for the reference harness.
Samples are seeded: a base time times (1 + change) times lognormal noise, plus rare outliers
(a preempted sample) and, in "ties", rounded to whole nanoseconds the way a coarse clock is."""
import json
import random
import statistics

REPS = 20
#  name            base ns  change  noise sigma  outlier rate  round to ns
SCENARIOS = [
    ("aa",          120.0,  0.00,   0.02,        0.05,         False),  # A/A: no change
    ("slow5",       120.0,  0.05,   0.01,        0.05,         False),  # a planted 5% slowdown
    ("noise1",      120.0,  0.01,   0.04,        0.10,         False),  # 1% under 4% noise
    ("fast30",      120.0, -0.30,   0.02,        0.05,         False),  # a 30% speed-up
    ("ties",         12.0,  0.04,   0.03,        0.00,         True),   # 4% on 12 ns, rounded
]


def sample(rng, base, sigma, outliers, whole):
    t = base * rng.lognormvariate(0.0, sigma)
    if rng.random() < outliers:
        t *= 1.0 + rng.uniform(0.2, 1.0)  # preempted: the sample absorbed someone else's time
    return float(round(t)) if whole else round(t, 3)


def write(path, name, times):
    aggregates = [("mean", statistics.mean(times)), ("median", statistics.median(times)),
                  ("stddev", statistics.stdev(times))]
    doc = {
        "context": {"date": "recorded by make_samples.py", "num_cpus": 2,
                    "library_build_type": "release"},
        "benchmarks": [
            {"name": name, "run_name": name, "run_type": "iteration", "repetitions": REPS,
             "repetition_index": i, "threads": 1, "iterations": 1000000,
             "real_time": t, "cpu_time": t, "time_unit": "ns"}
            for i, t in enumerate(times)] + [
            {"name": name + "_" + agg, "run_name": name, "run_type": "aggregate",
             "repetitions": REPS, "threads": 1, "aggregate_name": agg, "iterations": REPS,
             "real_time": round(t, 4), "cpu_time": round(t, 4), "time_unit": "ns"}
            for agg, t in aggregates],
    }
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


def main():
    rng = random.Random(8)
    for name, base, change, sigma, outliers, whole in SCENARIOS:
        old = [sample(rng, base, sigma, outliers, whole) for _ in range(REPS)]
        new = [sample(rng, base * (1 + change), sigma, outliers, whole) for _ in range(REPS)]
        write(f"{name}.old.json", "BM_" + name, old)
        write(f"{name}.new.json", "BM_" + name, new)


if __name__ == "__main__":
    main()
