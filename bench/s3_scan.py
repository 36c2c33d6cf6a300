#!/usr/bin/env python3
"""Coverage scan throughput over an S3 prefix of many objects, at concurrency 1 and 16.

Starts moto in server mode on 127.0.0.1, uploads a continuous-layout dataset (one CSV object per
hourly folder, OBJECTS objects) with boto3, then times `l4m coverage s3://... --recursive` at each
concurrency and prints objects/s and MB/s. Usage: bench/s3_scan.py [OBJECTS] (default 1200).
Needs `cargo build --release --bin l4m --example generate` first, and moto[server].
"""
import concurrent.futures
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

import boto3

objects = int(sys.argv[1]) if len(sys.argv) > 1 else 1200
moto = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", "0"],
                        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
try:
    endpoint = None
    for line in moto.stderr:
        m = re.search(r"http://127\.0\.0\.1:\d+", line)
        if m:
            endpoint = m.group(0)
            break
    # moto logs every request: keep reading, or its pipe fills and the server stalls.
    threading.Thread(target=lambda: [None for _ in moto.stderr], daemon=True).start()
    env = dict(os.environ, AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench",
               AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true")
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                      aws_access_key_id="bench", aws_secret_access_key="bench")
    s3.create_bucket(Bucket="bench")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["target/release/examples/generate", "--intervals", str(objects),
                        "--session-id", "--continuous", d], check=True, stderr=subprocess.DEVNULL)
        files = [os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs]
        total = sum(os.path.getsize(f) for f in files)

        def put(path):
            s3.upload_file(path, "bench", "live/" + os.path.relpath(path, d))

        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            list(pool.map(put, files))
    print(f"{len(files)} objects, {total / 1e6:.1f} MB on moto at {endpoint}")
    for conc in (1, 16):
        start = time.perf_counter()
        out = subprocess.run(["target/release/l4m", "coverage", "s3://bench/live/", "--recursive",
                              "--json", "--concurrency", str(conc), "--endpoint-url", endpoint],
                             env=env, capture_output=True, text=True, check=True)
        secs = time.perf_counter() - start
        records = re.search(r'"records": (\d+)', out.stdout).group(1)
        print(f"concurrency {conc:>2}: {secs:6.2f} s  {len(files) / secs:7.1f} objects/s  "
              f"{total / 1e6 / secs:6.2f} MB/s  ({records} records)")
finally:
    moto.kill()
    moto.wait()
