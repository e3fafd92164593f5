#!/usr/bin/env python3
"""Check frames against a golden case: every value of every frame, formatted
the way the legacy bridge formats payloads (Python's format() on floats, str()
on ints), must equal the case's payload of the same state topic.

usage: payloads_of_frames.py CASE.json < frames.ndjson
Prints one line per mismatch and "checked N topics, M mismatches"; exits 1 on
any mismatch. api_date is skipped (it is the time of the read)."""
import json
import sys


def spec_of(config_value):
    return config_value.strip("{}").lstrip(":")


def payload(value, spec):
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format(value, spec)
    return str(value)


def main():
    case = json.load(open(sys.argv[1]))
    spec = spec_of(case["config"].get("MQTT_FLOAT_FORMAT", ".3f"))
    root = case["config"]["MQTT_TOPIC"]
    expected = {m["topic"]: m["payload"] for m in case["messages"] if not m["topic"].endswith("/api_date/state")}
    seen, bad = set(), 0
    for n, line in enumerate(sys.stdin, 1):
        frame = json.loads(line)
        for key, value in frame["values"].items():
            topic = f"{root}/{frame['serial']}/{frame['group']}/{key}/state"
            if topic not in expected:
                continue
            seen.add(topic)
            got = payload(value, spec)
            if got != expected[topic]:
                bad += 1
                print(f"line {n}: {topic}: {got!r} != {expected[topic]!r}")
    print(f"checked {len(seen)} topics, {bad} mismatches")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
