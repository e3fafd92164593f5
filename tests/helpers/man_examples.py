#!/usr/bin/env python3
"""The EXAMPLES of a man page as NDJSON, one line per command:
{"page", "cmd", "expected": [lines] or null, "cat": FILE or null}.

A command is a "$ " line of a literal display (.Bd -literal ... .Ed) in the
EXAMPLES section; a line ending in "|" or "\\" continues on the next. The
lines after it up to the next "$ " or "# " line are its shown output
("expected"); for "$ cat FILE" they are FILE's content ("cat"), which the
runner writes before the commands that read it. "# " lines are root's
commands: reported with "root": true and not run.
"""
import json
import re
import sys


def unescape(line):
    # the mdoc escapes the example displays use
    return (line.replace("\\(dq", '"').replace("\\-", "-").replace("\\&", "")
            .replace("\\e", "\\"))


def examples(path):
    text = open(path, encoding="utf-8").read().splitlines()
    in_examples = in_display = False
    out = []
    current = None
    for raw in text:
        if raw.startswith(".Sh "):
            in_examples = raw.strip() == ".Sh EXAMPLES"
            continue
        if not in_examples:
            continue
        if raw.startswith(".Bd") and "-literal" in raw:
            in_display = True
            continue
        if raw.startswith(".Ed"):
            in_display = False
            current = None
            continue
        if not in_display:
            continue
        line = unescape(raw)
        if current is not None and current.get("continues"):
            current["cmd"] += "\n" + line
            current["continues"] = line.rstrip().endswith(("|", "\\"))
            continue
        m = re.match(r"^([$#]) (.*)$", line)
        if m:
            current = {"page": path.rsplit("/", 1)[-1], "cmd": m.group(2), "expected": None,
                       "cat": None, "root": m.group(1) == "#"}
            current["continues"] = m.group(2).rstrip().endswith(("|", "\\"))
            c = re.match(r"^cat (\S+)$", m.group(2))
            if c:
                current["cat"] = c.group(1)
            out.append(current)
        elif current is not None:
            current["expected"] = (current["expected"] or []) + [line]
    for c in out:
        c.pop("continues", None)
    return out


for page in sys.argv[1:]:
    for c in examples(page):
        print(json.dumps(c))
