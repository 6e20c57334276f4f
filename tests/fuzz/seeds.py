#!/usr/bin/env python3
# Seed corpora for the fuzz targets, from the project's own data:
#   replay   every trace log (tests/logs, tests/data/bad)
#   xenview  the lab's saved Xen and Linux text (tests/data/lab)
#   (xenhc's seeds come from seed_hc.c, which reads logs as ptrace does)
#   pcicfg   config spaces with MSI and MSI-X capabilities, from the
#            MSI-X capabilities the lab logs show (ctrl values)
# Usage: seeds.py OUTDIR  (writes OUTDIR/<target>/<name>)
import glob, hashlib, json, os, struct, sys

out = sys.argv[1]

def put(target, data):
    d = os.path.join(out, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)

logs = sorted(glob.glob("tests/logs/**/*.jsonl", recursive=True) +
              glob.glob("tests/data/bad/*.jsonl"))
ctrls = set()
for p in logs:
    data = open(p, "rb").read()
    put("replay", data)
    for line in data.splitlines():
        try:
            ev = json.loads(line)
        except ValueError:
            continue
        if not isinstance(ev, dict):
            continue
        if ev.get("type") == "msix_ctrl" and isinstance(ev.get("value"), int):
            ctrls.add(ev["value"] & 0xffff)

for p in sorted(glob.glob("tests/data/lab/*/*.txt")):
    put("xenview", open(p, "rb").read())

def cfg(msix_ctrl, msi_ctrl=0x0080, size=256):
    c = bytearray(max(size, 256))
    struct.pack_into("<HH", c, 0, 0x8086, 0x10d3)     # vendor, device
    struct.pack_into("<HH", c, 4, 0x0406, 0x0010)     # command, status: cap list
    c[0x0e] = 0                                        # type 0 header
    struct.pack_into("<I", c, 0x10, 0xfebc0000)        # BAR0 mem
    struct.pack_into("<I", c, 0x18, 0x0000c001)        # BAR2 io
    struct.pack_into("<I", c, 0x1c, 0xfebe000c)        # BAR3 64-bit prefetch
    c[0x34] = 0x50                                     # capabilities
    c[0x3c], c[0x3d] = 11, 1                           # line, INTA
    c[0x50], c[0x51] = 0x05, 0xa0                      # MSI -> 0xa0
    struct.pack_into("<H", c, 0x52, msi_ctrl)
    struct.pack_into("<IIH", c, 0x54, 0xfee00000, 0, 0x4041)
    c[0xa0], c[0xa1] = 0x11, 0x00                      # MSI-X, end
    struct.pack_into("<HII", c, 0xa2, msix_ctrl, 0x00000003, 0x00002003)
    return bytes(c[:size])

for ctrl in sorted(ctrls | {0x0004, 0x8004, 0xc004}):
    put("pcicfg", cfg(ctrl))
put("pcicfg", cfg(0x8004, 0x01c7, 64))
put("pcicfg", cfg(0x07ff, 0x018b, 4096))
