#!/usr/bin/env python3
"""Startup to first frame of the terminal UI, measured on the real binary in a pseudo-terminal.

Starts `target/release/l4m LOCATION` N times in a pty of 100x30, and times from spawn until the
first frame that shows the browser's listing (the text TEXT) has been written; prints the median
and the worst. Usage: bench/startup.py [LOCATION] [TEXT] [N]   (default assets/ecommerce 2020-10-24.csv 20)
"""
import fcntl
import os
import pty
import select
import statistics
import struct
import sys
import termios
import time

loc = sys.argv[1] if len(sys.argv) > 1 else "assets/ecommerce"
text = (sys.argv[2] if len(sys.argv) > 2 else "2020-10-24.csv").encode()
n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
times = []
for _ in range(n):
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execv(os.environ.get("L4M", "target/release/l4m"), ["l4m", loc])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    while text not in seen:
        r, _, _ = select.select([fd], [], [], 5)
        if not r:
            sys.exit(f"no frame with {text!r} within 5 s")
        seen += os.read(fd, 65536)
    times.append((time.perf_counter() - start) * 1000)
    os.write(fd, b"q")
    os.waitpid(pid, 0)
    os.close(fd)
print(f"startup to first frame with the listing, {n} runs: median {statistics.median(times):.1f} ms, "
      f"worst {max(times):.1f} ms")
