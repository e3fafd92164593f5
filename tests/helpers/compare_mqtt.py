#!/usr/bin/env python3
"""Compare captured MQTT messages with a golden case.

usage: compare_mqtt.py CASE.json CAPTURE [--states] [--discovery]
CAPTURE lines are "retain<TAB>topic<TAB>payload" (mosquitto_sub -F '%r\\t%t\\t%p').
--states: every state topic of the case (api_date aside) was published with
          the case's payload and retain 0; no other state topic appeared.
--discovery: the case's discovery messages all arrived, retained, with
          JSON-equal payloads (and byte-equal, reported separately).
Prints a summary line per check; exit 1 on any difference."""
import json
import sys


def main():
    case = json.load(open(sys.argv[1]))
    lines = [l.rstrip("\n").split("\t", 2) for l in open(sys.argv[2], encoding="utf-8") if l.count("\t") >= 2]
    bad = 0
    root = case["config"]["MQTT_TOPIC"] + "/"
    if "--states" in sys.argv:
        want = {m["topic"]: m["payload"] for m in case["messages"]}
        got = {}
        for retain, topic, payload in lines:
            if topic.startswith(root) and topic.endswith("/state"):
                got.setdefault(topic, set()).add((payload, retain))
        for topic, payload in want.items():
            if topic.endswith("/api_date/state"):
                if topic not in got:
                    bad += 1
                    print("missing", topic)
                continue
            if got.get(topic) != {(payload, "0")}:
                bad += 1
                print(f"{topic}: got {sorted(got.get(topic, []))} want {payload!r} retain 0")
        extra = set(got) - set(want)
        for t in sorted(extra):
            bad += 1
            print("unexpected", t)
        print(f"states: {len(want)} topics checked, {bad} differences")
    if "--discovery" in sys.argv:
        dbad = 0
        seen = {}
        for retain, topic, payload in lines:
            if topic.endswith("/config"):
                seen.setdefault(topic, []).append((retain, payload))
        for m in case["discovery"]:
            got = seen.get(m["topic"], [])
            if not got:
                dbad += 1
                print("missing", m["topic"])
                continue
            for retain, payload in got:
                if retain != "1" or json.loads(payload) != json.loads(m["payload"]) or payload != m["payload"]:
                    dbad += 1
                    print("differs", m["topic"], retain)
        print(f"discovery: {len(case['discovery'])} messages checked, {dbad} differences")
        bad += dbad
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
