#!/usr/bin/env python3
"""Write the small seed corpus of each fuzz target into seeds/TARGET/ (committed; a run's growing
corpus goes to corpus/TARGET/, which is not). The samples come from tests/fixtures/data and from
the shapes the README lists; each seed is a few hundred bytes to a few kB, with the option bytes
each target reads first."""
import gzip, os, pathlib

ROOT = pathlib.Path(__file__).resolve().parent
REPO = ROOT.parent
FIX = REPO / "tests" / "fixtures" / "data"

live0 = (FIX / "l4m-ecommerce-live/20201001/0000/20201001_000000.csv").read_bytes()
live1 = (FIX / "l4m-ecommerce-live/20201001/0100/20201001_010000.csv").read_bytes()
jsonl = (FIX / "l4m-ecommerce-live-20201001_000000.DERIVED.jsonl").read_bytes()
hourly = b"ts,views,clicks\n" + b"".join(
    b"2020-10-%02d %02d:00:00,%d,%d\n" % (1 + h // 24, h % 24, h * 7 % 13, h % 5) for h in range(30))
samples = {
    "aws-live-crlf": live0,
    "aws-live-next": live1,
    "aws-jsonl": jsonl,
    "hourly": hourly,
    "semicolon-sep-line": b"sep=;\r\nname;value\r\nx;1\r\ny;2\r\n",
    "tab-iso-offset": b"time\tv\n2020-10-01T00:00:00+02:00\t1\n2020-10-01T01:00:00Z\t2\n",
    "quoted": b'name,city,n\n"Smith, J","Par""is",1\n"two\nlines",Rome,2\n',
    "single-quoted": b"name,ts,n\n'Smith, J','2020-01-01 00:00',1\n'Doe','2020-01-01 01:00',2\n",
    "unix": b"epoch|n\n1601510400|3\n1601514000000|4\n1601517600.5|5\n",
    "no-header-slash": b"10/01/2020 13:00,us,4\n10/01/2020 14:00,uk,5\n",
    "ragged": b"a,b,c\n1,2,3\n4,5\n6,7,8\n",
    "bom-crlf": b"\xef\xbb\xbfts,v\r\n2020-01-01,1\r\n2020-01-02,2\r\n",
    "nested-json": b'{"ts": "2020-01-01 00:00:00", "tags": {"a": [1, {"b": null}]}, "s": "a\\"b"}\n{"ts": "2020-01-01 00:05:00", "n": 1e3}\n',
    "space": b"ts views clicks\n20201001 1 2\n20201002 3 4\n",
    "unclosed-quote": b'ts,v,note\n2020-01-01 00:00:00,1,"a, b"\ngarbage,,"x\n2020-01-01 01:00:00,2,"c"\n'
    + b'2020-01-01 02:00:00,3,"d""e"\n',
    "quoted-crlf": b'ts,v,note\r\n2020-01-01 00:00:00,1,"two\r\nlines, ""q"""\r\n"2020-01-01 01:00:00",2,""\r\n',
}

def put(target, name, data):
    d = ROOT / "seeds" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data)

for name, text in samples.items():
    # sniff: flags (complete; gzip), more, delimiter, cut
    put("sniff", name, bytes([1, 0, ord(","), 200]) + text)
    put("sniff", name + "-cut", bytes([0, 0, ord(","), 128]) + text)
    put("sniff", name + "-gzip", bytes([3, 0, ord(","), 255]) + text)
    # csv_split: delimiter index, quote index
    put("csv_split", name, bytes([0, 1]) + text)
    # scan: flags, piece bytes
    put("scan", name, bytes([0, 40]) + text)
    put("scan", name + "-two-files", bytes([2 | (2 << 4), 90]) + text)
    put("scan", name + "-gzip", bytes([1 | (3 << 4), 20]) + text)
put("csv_split", "tab", bytes([1, 0]) + b"a\tb\r\n1\t2\n\n3\t\r\n")
put("csv_split", "pipe-single", bytes([2, 2]) + b"'a|b'|c\n'x''y'|z\n")
put("scan", "jsonl-lines", bytes([0, 60]) + jsonl)

# The timestamp values and patterns the README lists.
pairs = [
    ("yyyy-MM-dd HH:mm:ss", "2020-10-01 00:05:59"),
    ("yyyy-MM-dd HH:mm", "2020-10-01 13:45"),
    ("yyyy-MM-dd", "2020-02-29"),
    ("yyyy-MM-dd hh:mm:ss a", "2020-10-01 12:30:00 PM"),
    ("yyyy-MM-dd HH:mm:ss.SSS", "2020-10-01 00:05:59.123"),
    ("yyyy-MM-dd'T'HH:mm:ssXXX", "2020-10-01T00:05:59+05:30"),
    ("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX", "2020-10-01T00:05:59.123456Z"),
    ("yyyy-MM-dd'T'HH:mm:ssZ", "2020-10-01T00:05:59-0700"),
    ("yyyy/MM/dd HH:mm", "2020/10/01 23:59"),
    ("MM/dd/yyyy HH:mm", "10/31/2020 23:59"),
    ("d/M/yyyy H:mm", "31/1/2020 9:05"),
    ("dd-MM-yyyy", "31-01-2020"),
    ("dd.MM.yyyy HH:mm:ss", "31.01.2020 23:00:00"),
    ("yyyyMMddHHmmss", "20201001000559"),
    ("yyyyMMdd'T'HHmmssX", "20201001T000559Z"),
    ("dd MMM yyyy", "01 Oct 2020"),
    ("EEE MMM d H:m:s.S z yyyy", "Thu Oct 1 0:5:59.5 UTC 2020"),
    ("yy-MM-dd kk:mm", "20-10-01 24:00"),
    ("yyyy-MM-dd HH:mm:ss.s", "2020-10-01 00:05:59.7"),
    ("UNIX", "1601510759"),
    ("UNIX", "1601510759123.5"),
    ("yyyy-MM-dd Hmm", "2020-10-01 930"),
]
for i, (pattern, value) in enumerate(pairs):
    put("timefmt_compile", f"p{i:02}", pattern.encode())
    tail = value[len(value) - 2:] if len(value) > 2 else value
    put("timefmt_parse", f"p{i:02}", pattern.encode() + b"\0" + value.encode() + b"\0" + tail.encode())
put("timefmt_compile", "quotes", b"'at' HH 'o''clock' yyyy")
columns = {
    "iso": ["2020-10-01 00:00:00", "2020-10-01 01:00:00", "", "2020-10-01 02:00:00"],
    "day-first": ["13/01/2020", "01/02/2020", "31/12/2020"],
    "ambiguous": ["01/02/2020 10:00", "03/04/2020 11:00"],
    "unix": ["1601510400", "1601510400000", "1601510400.25"],
    "mixed": ["2020-10-01", "x", "2020-10-02", "2020-10-03", "2020-10-04"],
    "offsets": ["2020-10-01T00:00:00Z", "2020-10-01T00:00:00+02:00", "2020-10-01T00:00:00.5-07:00"],
}
for name, values in columns.items():
    put("timefmt_detect", name, "\n".join(values).encode())
put("json_keys", "aws", b"timestamp,views,platform\n" + jsonl)
put("json_keys", "odd", b'ts,n,tags,s\n{"n": 2.5, "ts": "t1", "other": [1, {"x": "}"}], "tags": {"a": 1}, "s": "a\\"b"}\n{"ts": null}\n  {"ts":"x","ts":"y"}  \n[1]\n{"n": -1.5e-3, "s": true}\n')
