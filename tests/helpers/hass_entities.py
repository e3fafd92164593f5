#!/usr/bin/env python3
"""The entity ids Home Assistant creates from MQTT discovery messages, and a
check that YAML files (a Lovelace dashboard, the Energy mapping) use only those.

  hass_entities.py ids CAPTURE            print the entity ids, one a line
  hass_entities.py check CAPTURE FILE...  fail naming every entity id of FILE
                                          that is none of them
  hass_entities.py energy CAPTURE FILE    fail naming every entity id of FILE
                                          that is no kWh total_increasing sensor

CAPTURE is what `mosquitto_sub -F '%r<TAB>%t<TAB>%p'` prints for
homeassistant/# (tests/helpers/mqtt.bash, start_sub): "retain TAB topic TAB
payload" lines; only .../config topics with a payload count.

How Home Assistant names a discovered MQTT entity (homeassistant/components/
mqtt/entity.py and helpers/entity_platform.py): every MQTT entity has
has_entity_name = True, so
  - `default_entity_id` (HA 2025.10+) is the entity id as given;
  - `object_id` gives `<platform>.<slugify(object_id)>`;
  - otherwise the object id is slugify(device name + " " + entity name)
    (the device name alone when "name" is null, the entity name alone
    without a device name), and the entity id `<platform>.<that>`;
  - a second entity of one platform with the same id gets `_2`, `_3`, ...
slugify is python-slugify with separator "_" (homeassistant/util/__init__.py):
lowercase, apostrophes a separator (python-slugify turns them into "-"), ","
between digits dropped, every run of
other characters than a-z and 0-9 one "_", none at either end, "unknown" when
empty. Non-ASCII is transliterated by unidecode there; a name with non-ASCII
this script has no rule for is an error rather than a guess.
"""

import json
import re
import sys
import unicodedata

import yaml

# the MQTT platforms of Home Assistant: a word.word of these domains in a
# dashboard is an entity id
PLATFORMS = (
    "alarm_control_panel binary_sensor button camera climate cover device_tracker "
    "event fan humidifier image lawn_mower light lock notify number scene select "
    "sensor siren switch tag text update vacuum valve water_heater"
).split()
ENTITY_ID = re.compile(r"^(%s)\.[a-z0-9_]+$" % "|".join(PLATFORMS))
TRANSLITERATION = {"\u00b0": "deg", "\u00b5": "u", "\u00df": "ss"}


def slugify(text):
    text = re.sub(r"'+", "-", text)
    text = unicodedata.normalize("NFKD", text)
    out = []
    for ch in text:
        if ord(ch) < 128:
            out.append(ch)
        elif unicodedata.combining(ch):
            continue
        elif ch in TRANSLITERATION:
            out.append(TRANSLITERATION[ch])
        else:
            raise ValueError("no transliteration for %r in %r" % (ch, text))
    text = "".join(out).lower()
    text = re.sub(r"'+", "", text)
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    text = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return text or "unknown"


def object_id(config):
    if "object_id" in config:
        return slugify(str(config["object_id"]))
    if "name" not in config:
        raise ValueError("no name (HA would use the device class): %s" % config.get("unique_id"))
    name = config["name"]
    device_name = (config.get("device") or {}).get("name")
    if device_name is None:
        return slugify(name or "unknown")
    if name is None:
        return slugify(device_name)
    return slugify("%s %s" % (device_name, name))


def entity_ids(capture):
    """{entity_id: discovery payload} in the order of the messages."""
    seen = {}  # (platform, unique_id) -> entity_id: a re-sent message is the same entity
    ids = {}
    with open(capture, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t", 2)
            if len(parts) != 3:
                continue
            _, topic, payload = parts
            levels = topic.split("/")
            if len(levels) < 4 or levels[-1] != "config" or not payload:
                continue
            platform = levels[1]
            config = json.loads(payload)
            key = (platform, config.get("unique_id") or topic)
            if key in seen:
                continue
            if "default_entity_id" in config:
                eid = config["default_entity_id"]
            else:
                base = "%s.%s" % (platform, object_id(config))
                eid, n = base, 2
                while eid in ids:
                    eid, n = "%s_%d" % (base, n), n + 1
            seen[key] = eid
            ids[eid] = config
    return ids


def strings(node):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(k)
            yield from strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from strings(v)
    elif isinstance(node, str):
        yield node


def used_ids(path):
    """Every entity id a YAML file names (as a whole string value or key)."""
    with open(path, encoding="utf-8") as f:
        docs = list(yaml.safe_load_all(f))
    found = []
    for s in strings(docs):
        s = s.strip()
        if ENTITY_ID.match(s) and s not in found:
            found.append(s)
    return found


def main(argv):
    if len(argv) >= 2 and argv[0] == "ids":
        for eid in entity_ids(argv[1]):
            print(eid)
        return 0
    if len(argv) >= 3 and argv[0] == "check":
        known = entity_ids(argv[1])
        if not known:
            print("no discovery messages in %s" % argv[1], file=sys.stderr)
            return 1
        bad = 0
        for path in argv[2:]:
            used = used_ids(path)
            if not used:
                print("%s: names no entity id" % path, file=sys.stderr)
                bad += 1
            for eid in used:
                if eid not in known:
                    print("%s: unknown entity id %s" % (path, eid), file=sys.stderr)
                    bad += 1
            print("%s: %d entity ids, %d unknown" % (path, len(used), sum(e not in known for e in used)))
        return 1 if bad else 0
    if len(argv) == 3 and argv[0] == "energy":
        known = entity_ids(argv[1])
        bad = 0
        for eid in used_ids(argv[2]):
            c = known.get(eid, {})
            if not (eid.startswith("sensor.") and c.get("unit_of_measurement") == "kWh"
                    and c.get("device_class") == "energy" and c.get("state_class") == "total_increasing"):
                print("%s: %s is no kWh total_increasing energy sensor" % (argv[2], eid), file=sys.stderr)
                bad += 1
        return 1 if bad else 0
    print(__doc__, file=sys.stderr)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
