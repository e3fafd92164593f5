#!/usr/bin/env python3
"""Seed corpora for the fuzz targets, made from the golden fixtures and the
catalog: make-seeds.py SOURCE_DIR OUT_DIR writes OUT_DIR/<target>/seed-*."""
import json
import os
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
golden = os.path.join(src, "tests", "contract", "golden")
case = json.load(open(os.path.join(golden, "case_A.json")))
probes = json.load(open(os.path.join(golden, "probes.json")))
seeds = {t: [] for t in ("frame_line", "formula", "catalog", "config", "modbus_reply",
                         "set_command", "control_request", "log_escape")}

# frames: one per group read of the case, values as the payloads say
for r in case["reads"]:
    values = {}
    for m in r["messages"]:
        key = m["topic"].split("/")[-2]
        p = m["payload"]
        try:
            values[key] = int(p) if p.lstrip("-").isdigit() else float(p)
        except ValueError:
            values[key] = p
    frame = {"ts": "2026-12-01T10:00:00.000Z", "serial": case["serial"], "group": r["group"],
             "values": values}
    seeds["frame_line"].append(json.dumps(frame, separators=(",", ":")))

# formulas of the catalog (the lines after "formula:")
for line in open(os.path.join(src, "registers", "registers.yaml"), encoding="utf-8"):
    line = line.strip()
    if line.startswith("formula:"):
        seeds["formula"].append("\x00" + line[len("formula:"):].strip().strip("'\""))
        seeds["formula"].append("\x01" + line[len("formula:"):].strip().strip("'\""))

# catalogs: the project's and the legacy's, and a small overlay
for path in (os.path.join(src, "registers", "registers.yaml"),
             os.path.join(src, "tests", "contract", "legacy-registers.yaml")):
    seeds["catalog"].append(open(path, encoding="utf-8").read())
seeds["catalog"].append('"11000":\n  name: Grid power\n  length: 2\n  type: I32\n  unit: W\n'
                        '  mqtt: grid_power\n  group: now-base\n  hass_value_items:\n    1: "a"\n')
seeds["catalog"].append('"pv":\n  name: PV\n  mqtt: pv\n  group: now-base\n  formula: "1 + 2"\n'
                        '"autarky_x":\n  name: x\n  mqtt: autarky_x\n  group: now-base\n'
                        '  formula: "if(consumption > 0, 100 * pv / consumption, 0)"\n')

# configs: the case's (JSON is YAML) and the example file
seeds["config"].append(json.dumps(case["config"]))
seeds["config"].append(open(os.path.join(src, "scripts", "config.yaml.example")).read())


def crc16(b):
    crc = 0xFFFF
    for x in b:
        crc ^= x
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


# replies to the case's requests: TCP (selector 0, tid 1, unit 247) and RTU
snapshot = {int(a): w for a, w in case["snapshot"].items()}
def words_at(address, count):
    out = []
    a = address
    while len(out) < count:
        if a in snapshot:
            out += snapshot[a]
            a += len(snapshot[a])
        else:
            out.append(0)
            a += 1
    return out[:count]

for r in case["reads"][:6]:
    for q in r["modbus_requests"][:3]:
        pdu = bytes([3, 2 * q["count"]]) + b"".join(struct.pack(">H", w) for w in
                                                    words_at(q["address"], q["count"]))
        tcp = struct.pack(">HHHB", 1, 0, len(pdu) + 1, 247) + pdu
        seeds["modbus_reply"].append(b"\x00\x00\x01\xf7" + tcp)
        rtu = bytes([247]) + pdu
        rtu += struct.pack("<H", crc16(rtu))
        seeds["modbus_reply"].append(b"\x01\x00\x00\xf7" + rtu)
echo = bytes([6, 0xC3, 0x50, 0x01, 0x02])
seeds["modbus_reply"].append(b"\x02\x00\x01\xf7" + struct.pack(">HHHB", 1, 0, 6, 247) + echo)
seeds["modbus_reply"].append(b"\x00\x00\x01\xf7" + struct.pack(">HHHB", 1, 0, 3, 247) + b"\x83\x02")

# /set messages of the contract's command table
for c in probes["commands"]:
    if c.get("mqtt"):
        seeds["set_command"].append(f"MTEC/{case['serial']}/config/{c['mqtt']}/set\n{c['payload']}")

seeds["control_request"] += [
    '{"op":"read","address":10000,"count":8}',
    '{"op":"write","address":50000,"words":[258]}',
    '{"op":"write","address":52601,"words":[39,40]}',
    '{"op":"read","address":65535}',
]

# log escaping: the forged lines, escapes and bytes of issue 24's attacks
seeds["log_escape"] += [
    "x\n<0>mtec-write: notice: wrote mode...\x1b[2J",
    "\t33\n",
    "X\n<0>PWNED\x1b[31m!",
    "\u0085\u009b31m\u2028\u202e",
    b"bad \xff\xfe \xc3 \xed\xa0\x80 \\x1b",
]

for target, items in seeds.items():
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    for i, item in enumerate(items):
        data = item if isinstance(item, bytes) else item.encode("utf-8")
        with open(os.path.join(d, f"seed-{i:03d}"), "wb") as f:
            f.write(data)
