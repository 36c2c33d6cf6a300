#!/usr/bin/env python3
"""Make the README's PNG screenshots of l4m's terminal UI from the real binary.

It runs COMMAND in a detached tmux session of a fixed size, replays STEPS
(send keys, wait for some text on screen, capture the pane with its colours)
and draws every capture to screenshots/<name>.png with its own ANSI-to-PNG
renderer (Pillow + DejaVu Sans Mono).

    scripts/screenshots.sh                       # builds l4m, then all screenshots
    python3 scripts/screenshots.py --only help   # just one (earlier steps' keys are still replayed)
    python3 scripts/screenshots.py --command 'htop' --only browser --out /tmp/shots

Needs: tmux, Python 3.9+, Pillow (installed into target/shot-venv when the
system python lacks it), the DejaVu fonts (apt-get install fonts-dejavu-core
when missing). The command runs from the repository root.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# --------------------------------------------------------------------------
# What to capture. Edit these.
# --------------------------------------------------------------------------

COMMAND = "target/release/l4m assets/ecommerce"

# One screenshot per step, taken in order in one running session:
#   (name, keys, wait_for, seconds)
# name      the PNG is <out>/<name>.png
# keys      sent before capturing, in order; each item is
#             "Down", "Enter", "Tab", "Escape", "q", "C-c", "F1", ...  a tmux key name
#             ("text", "some words")                                 typed literally (send-keys -l)
#             0.5                                                    a pause in seconds
# wait_for  text that must be on screen before capturing (polled); None = just sleep `seconds`
# seconds   the most to wait for `wait_for` (or the time to sleep when it is None)
# Pick a wait_for that appears only on the screen you want: it is polled right
# after the keys are sent, so text that is already on the previous screen
# matches at once.
STEPS = [
    ("browser", ["Down", 0.5], "504 records in the head", 10),
    ("preview", ["Up", "o", 0.3, "l", "l", "l"], "504 rows from", 10),
    ("coverage", ["c", 1.0, "+", "+", "n", "n"], "UTC   missing", 20),
    ("narrow", ["f", "j"], "fewest intervals with data first", 10),
    ("narrowed", ["Enter", 1.0], "narrowed to platform=", 20),
    # p lists the metrics of the value narrowed to; the filter keeps one marketplace's.
    ("chart", ["p", "/", ("text", " marketplace=us"), "Enter", "Enter", 1.0, "g", "+", "+", "n"],
     "without a value:", 20),
    ("findings", ["v"], "findings for the current labels", 10),
    ("export", ["e", "Down", "Down", "Down", "Down", "Down", "Down", "Down", "Enter",
                ("text", "arn:aws:iam::123456789012:role/L4MRole"), "Enter"],
     "the exact file", 10),
    ("help", ["?"], "any key closes", 10),
]

DEFAULT_SIZE = "100x30"
DEFAULT_OUT = "screenshots"

# --------------------------------------------------------------------------
# Look
# --------------------------------------------------------------------------

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSansMono.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSansMono-Bold.ttf"
FONT_ITALIC = FONT_DIR / "DejaVuSansMono-Oblique.ttf"  # fonts-dejavu-extra; optional
FONT_BOLD_ITALIC = FONT_DIR / "DejaVuSansMono-BoldOblique.ttf"  # optional
FONT_SIZE = 15
# Tried in order for characters DejaVu Sans Mono lacks (CJK, some symbols); optional.
FALLBACK_FONTS = [
    FONT_DIR / "DejaVuSans.ttf",
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansSymbols2-Regular.ttf"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/unifont/unifont.ttf"),
]

DEFAULT_FG = (0xD0, 0xD0, 0xD0)
DEFAULT_BG = (0x1C, 0x1C, 0x1C)

# Window frame around the terminal.
FRAME_TITLE_H = 28
FRAME_PAD = 10
FRAME_RADIUS = 9
FRAME_TITLE_BG = (0x30, 0x30, 0x30)
FRAME_BORDER = (0x48, 0x48, 0x48)
FRAME_TITLE_FG = (0x9A, 0x9A, 0x9A)
FRAME_DOTS = [(0xFF, 0x5F, 0x57), (0xFE, 0xBC, 0x2E), (0x28, 0xC8, 0x40)]

# xterm's default 16 colours.
BASE16 = [
    (0x00, 0x00, 0x00), (0xCD, 0x00, 0x00), (0x00, 0xCD, 0x00), (0xCD, 0xCD, 0x00),
    (0x00, 0x00, 0xEE), (0xCD, 0x00, 0xCD), (0x00, 0xCD, 0xCD), (0xE5, 0xE5, 0xE5),
    (0x7F, 0x7F, 0x7F), (0xFF, 0x00, 0x00), (0x00, 0xFF, 0x00), (0xFF, 0xFF, 0x00),
    (0x5C, 0x5C, 0xFF), (0xFF, 0x00, 0xFF), (0x00, 0xFF, 0xFF), (0xFF, 0xFF, 0xFF),
]


def _xterm_palette() -> list[tuple[int, int, int]]:
    pal = list(BASE16)
    levels = [0, 95, 135, 175, 215, 255]
    for r in levels:
        for g in levels:
            for b in levels:
                pal.append((r, g, b))
    for i in range(24):
        v = 8 + 10 * i
        pal.append((v, v, v))
    return pal


PALETTE = _xterm_palette()

# --------------------------------------------------------------------------
# Setup: Pillow, fonts
# --------------------------------------------------------------------------

VENV = ROOT / "target" / "shot-venv"


def _venv_python() -> Path:
    return VENV / "bin" / "python"


def ensure_pillow() -> None:
    """Import Pillow, or make target/shot-venv with it and re-run this script there."""
    try:
        import PIL  # noqa: F401
        return
    except ImportError:
        pass
    py = _venv_python()
    if os.environ.get("SHOTS_IN_VENV"):
        sys.exit(f"screenshots: Pillow is still missing in {py}; try: {py} -m pip install Pillow")
    if not py.exists():
        print(f"screenshots: Pillow missing; creating {VENV}", file=sys.stderr)
        r = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
        if r.returncode != 0:
            apt_install(["python3-venv"])
            shutil.rmtree(VENV, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    if subprocess.run([str(py), "-c", "import PIL"], capture_output=True).returncode != 0:
        subprocess.run([str(py), "-m", "pip", "install", "--quiet", "Pillow"], check=True)
    env = dict(os.environ, SHOTS_IN_VENV="1")
    os.execve(str(py), [str(py), str(Path(__file__).resolve()), *sys.argv[1:]], env)


_apt_updated = False


def apt_install(packages: list[str]) -> None:
    global _apt_updated
    if shutil.which("apt-get") is None:
        sys.exit(f"screenshots: please install {' '.join(packages)} (no apt-get here)")
    sudo = [] if os.geteuid() == 0 else (["sudo"] if shutil.which("sudo") else [])
    print(f"screenshots: installing {' '.join(packages)} with apt-get", file=sys.stderr)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if not _apt_updated:
        subprocess.run([*sudo, "apt-get", "update", "-q"], check=True, env=env)
        _apt_updated = True
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", *packages], check=True, env=env)


def ensure_system_tools() -> None:
    missing = []
    if not (FONT_REGULAR.exists() and FONT_BOLD.exists()):
        missing.append("fonts-dejavu-core")
    if shutil.which("tmux") is None:
        missing.append("tmux")
    if missing:
        apt_install(missing)


# --------------------------------------------------------------------------
# ANSI parsing
# --------------------------------------------------------------------------

# A style is a tuple: (fg, bg, bold, dim, italic, underline, reverse, strike, hidden)
# where fg/bg are None (default), an int 0-255 (palette) or an (r, g, b) tuple.
FG, BG, BOLD, DIM, ITALIC, UNDERLINE, REVERSE, STRIKE, HIDDEN = range(9)
PLAIN = (None, None, False, False, False, False, False, False, False)

_TOKEN = re.compile(
    r"(?P<csi>\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~]))"
    r"|(?P<osc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?)"
    r"|(?P<esc>\x1b[ -/]*[0-~]?)"
    r"|(?P<nl>\r?\n)"
    r"|(?P<text>[^\x1b\n]+)"
)


def _extended_colour(parts: list[str], i: int, sub: list[str] | None):
    """Parse 38/48 colour arguments. Returns (colour or None, index of the next param)."""
    if sub is not None:  # colon form: 38:5:n, 38:2:r:g:b or 38:2:cs:r:g:b
        args = [a for a in sub[1:]]
        try:
            if args and args[0] == "5":
                return int(args[1]) & 0xFF, i + 1
            if args and args[0] == "2":
                rgb = args[1:]
                if len(rgb) >= 4:
                    rgb = rgb[1:4]  # colour space id first
                r, g, b = (int(x or 0) & 0xFF for x in rgb[:3])
                return (r, g, b), i + 1
        except (ValueError, IndexError):
            pass
        return None, i + 1
    try:
        mode = parts[i + 1]
        if mode == "5":
            return int(parts[i + 2]) & 0xFF, i + 3
        if mode == "2":
            r, g, b = (int(x or 0) & 0xFF for x in parts[i + 2 : i + 5])
            return (r, g, b), i + 5
    except (ValueError, IndexError):
        pass
    return None, len(parts)


def apply_sgr(style: tuple, params: str) -> tuple:
    s = list(style)
    parts = params.split(";") if params else ["0"]
    i = 0
    while i < len(parts):
        raw = parts[i]
        sub = raw.split(":") if ":" in raw else None
        try:
            p = int((sub[0] if sub else raw) or 0)
        except ValueError:
            i += 1
            continue
        if p in (38, 48, 58):
            colour, i = _extended_colour(parts, i, sub)
            if p == 38:
                s[FG] = colour
            elif p == 48:
                s[BG] = colour
            continue  # 58 (underline colour) is parsed and dropped
        i += 1
        if p == 0:
            s = list(PLAIN)
        elif p == 1:
            s[BOLD] = True
        elif p == 2:
            s[DIM] = True
        elif p == 3:
            s[ITALIC] = True
        elif p == 4:
            s[UNDERLINE] = not (sub and len(sub) > 1 and sub[1] == "0")
        elif p == 7:
            s[REVERSE] = True
        elif p == 8:
            s[HIDDEN] = True
        elif p == 9:
            s[STRIKE] = True
        elif p == 21:
            s[UNDERLINE] = True
        elif p == 22:
            s[BOLD] = s[DIM] = False
        elif p == 23:
            s[ITALIC] = False
        elif p == 24:
            s[UNDERLINE] = False
        elif p == 27:
            s[REVERSE] = False
        elif p == 28:
            s[HIDDEN] = False
        elif p == 29:
            s[STRIKE] = False
        elif 30 <= p <= 37:
            s[FG] = p - 30
        elif p == 39:
            s[FG] = None
        elif 40 <= p <= 47:
            s[BG] = p - 40
        elif p == 49:
            s[BG] = None
        elif 90 <= p <= 97:
            s[FG] = p - 90 + 8
        elif 100 <= p <= 107:
            s[BG] = p - 100 + 8
        # 5/6 blink, 53 overline, 59 etc.: ignored
    return tuple(s)


def char_width(ch: str) -> int:
    """Cells a character takes: 2 for East Asian wide/fullwidth (tmux prints those
    once and skips their padding cell), 0 for combining marks, else 1 (box drawing,
    blocks and other 'ambiguous' characters are one cell)."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def parse(ansi_text: str, width: int, height: int):
    """Lay ANSI text out on a width x height grid.

    Returns rows of cells; a cell is (text, style, span) where span is 2 for the
    first cell of a wide character, 0 for the cell it covers, else 1."""
    blank = (" ", PLAIN, 1)
    grid = [[blank] * width for _ in range(height)]
    style = PLAIN
    row = col = 0
    for m in _TOKEN.finditer(ansi_text):
        kind = m.lastgroup
        if kind == "csi":
            if m.group("final") == "m" and not m.group("inter"):
                style = apply_sgr(style, m.group("params"))
            continue  # cursor movement etc. does not occur in capture-pane output
        if kind in ("osc", "esc", "params", "inter", "final"):
            continue
        if kind == "nl":
            row += 1
            col = 0
            continue
        if row >= height:
            continue
        for ch in m.group("text"):
            if ch == "\t":
                col = min(width, (col // 8 + 1) * 8)
                continue
            if ch == "\r":
                col = 0
                continue
            if ord(ch) < 0x20 or ord(ch) == 0x7F:
                continue
            w = char_width(ch)
            if w == 0:
                # combining mark: goes with the previous cell
                if col > 0:
                    prev = col - 1
                    if grid[row][prev][2] == 0 and prev > 0:
                        prev -= 1
                    t, st, sp = grid[row][prev]
                    grid[row][prev] = (t + ch, st, sp)
                continue
            if col + w > width:
                col = width
                continue
            grid[row][col] = (ch, style, w)
            if w == 2:
                grid[row][col + 1] = ("", style, 0)
            col += w
    return grid


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def resolve(colour, default):
    if colour is None:
        return default
    if isinstance(colour, int):
        return PALETTE[colour]
    return colour


def blend(a, b, t):
    """a*(1-t) + b*t"""
    return tuple(round(x * (1 - t) + y * t) for x, y in zip(a, b))


def cell_colours(style):
    fg = resolve(style[FG], DEFAULT_FG)
    bg = resolve(style[BG], DEFAULT_BG)
    if style[REVERSE]:
        fg, bg = bg, fg
    if style[DIM]:
        fg = blend(fg, bg, 0.45)
    if style[HIDDEN]:
        fg = bg
    return fg, bg


# Box drawing: char -> (up, right, down, left) with 0 none, 1 light, 2 heavy, 3 double.
def _box_table():
    t = {}
    L, H, D = 1, 2, 3

    def add(chars, spec):
        for ch, (u, r, d, l) in zip(chars, spec):
            t[ch] = (u, r, d, l)

    for w, chars in ((L, "─│┌┐└┘├┤┬┴┼"), (H, "━┃┏┓┗┛┣┫┳┻╋"), (D, "═║╔╗╚╝╠╣╦╩╬")):
        add(chars, [
            (0, w, 0, w), (w, 0, w, 0),
            (0, w, w, 0), (0, 0, w, w), (w, w, 0, 0), (w, 0, 0, w),
            (w, w, w, 0), (w, 0, w, w), (0, w, w, w), (w, w, 0, w), (w, w, w, w),
        ])
    # half lines
    add("╴╵╶╷╸╹╺╻", [
        (0, 0, 0, L), (L, 0, 0, 0), (0, L, 0, 0), (0, 0, L, 0),
        (0, 0, 0, H), (H, 0, 0, 0), (0, H, 0, 0), (0, 0, H, 0),
    ])
    # light/heavy mixes that tables and ratatui's thick borders produce
    add("┍┎┑┒┕┖┙┚", [
        (0, H, L, 0), (0, L, H, 0), (0, 0, L, H), (0, 0, H, L),
        (L, H, 0, 0), (H, L, 0, 0), (L, 0, 0, H), (H, 0, 0, L),
    ])
    add("╼╽╾╿", [(0, H, 0, L), (L, 0, H, 0), (0, L, 0, H), (H, 0, L, 0)])
    # single/double mixes
    add("╒╓╕╖╘╙╛╜╞╟╡╢╤╥╧╨╪╫", [
        (0, D, L, 0), (0, L, D, 0), (0, 0, L, D), (0, 0, D, L),
        (L, D, 0, 0), (D, L, 0, 0), (L, 0, 0, D), (D, 0, 0, L),
        (L, D, L, 0), (D, L, D, 0), (L, 0, L, D), (D, 0, D, L),
        (0, D, L, D), (0, L, D, L), (L, D, 0, D), (D, L, 0, L),
        (L, D, L, D), (D, L, D, L),
    ])
    return t


BOX = _box_table()
ROUNDED = {"╭": (0, 1, 1, 0), "╮": (0, 0, 1, 1), "╯": (1, 0, 0, 1), "╰": (1, 1, 0, 0)}
DASHED = {  # char -> (horizontal?, weight, dashes)
    "┄": (True, 1, 3), "┅": (True, 2, 3), "┈": (True, 1, 4), "┉": (True, 2, 4),
    "╌": (True, 1, 2), "╍": (True, 2, 2),
    "┆": (False, 1, 3), "┇": (False, 2, 3), "┊": (False, 1, 4), "┋": (False, 2, 4),
    "╎": (False, 1, 2), "╏": (False, 2, 2),
}


class Renderer:
    def __init__(self, font_size: int = FONT_SIZE):
        from PIL import ImageFont

        self.font_size = font_size
        reg = ImageFont.truetype(str(FONT_REGULAR), font_size)
        bold = ImageFont.truetype(str(FONT_BOLD), font_size)
        ital = ImageFont.truetype(str(FONT_ITALIC), font_size) if FONT_ITALIC.exists() else reg
        bital = (ImageFont.truetype(str(FONT_BOLD_ITALIC), font_size)
                 if FONT_BOLD_ITALIC.exists() else bold)
        self.fonts = {(False, False): reg, (True, False): bold,
                      (False, True): ital, (True, True): bital}
        self.fallbacks = [ImageFont.truetype(str(p), font_size)
                          for p in FALLBACK_FONTS if p.exists()]
        self._font_for: dict = {}
        ascent, descent = reg.getmetrics()
        self.ascent = ascent
        self.cw = max(1, round(reg.getlength("M")))
        self.ch = ascent + descent
        self.light = max(1, round(self.cw / 9))
        self.heavy = self.light * 2 + 1

    @staticmethod
    def _has_glyph(font, ch: str) -> bool:
        """False when the font would draw its 'missing glyph' box for ch."""
        key = id(font)
        notdef = Renderer._notdef.get(key)
        if notdef is None:
            m = font.getmask("\U0010FFFD")
            notdef = Renderer._notdef[key] = (m.size, bytes(m))
        m = font.getmask(ch)
        return (m.size, bytes(m)) != notdef

    _notdef: dict = {}

    def font_for(self, text: str, bold: bool, italic: bool):
        font = self.fonts[(bold, italic)]
        ch = text[0]
        if ord(ch) < 0x2000:
            return font
        key = (ch, bold, italic)
        if key not in self._font_for:
            chosen = font
            if not self._has_glyph(font, ch):
                for fb in self.fallbacks:
                    if self._has_glyph(fb, ch):
                        chosen = fb
                        break
            self._font_for[key] = chosen
        return self._font_for[key]

    # -- special characters drawn as shapes ----------------------------------

    def _rect(self, d, x0, y0, x1, y1, fill):
        if x1 > x0 and y1 > y0:
            d.rectangle([x0, y0, x1 - 1, y1 - 1], fill=fill)

    def draw_special(self, d, ch, x, y, fg, bg) -> bool:
        cw, chh = self.cw, self.ch
        o = ord(ch)
        # Block elements U+2580..U+259F
        if 0x2580 <= o <= 0x259F:
            if ch == "▀":
                self._rect(d, x, y, x + cw, y + chh // 2, fg)
            elif 0x2581 <= o <= 0x2588:  # lower n/8 .. full block
                n = o - 0x2580
                top = y + chh - round(chh * n / 8)
                self._rect(d, x, top, x + cw, y + chh, fg)
            elif 0x2589 <= o <= 0x258F:  # left 7/8 .. 1/8
                n = 0x2590 - o
                self._rect(d, x, y, x + max(1, round(cw * n / 8)), y + chh, fg)
            elif ch == "▐":
                self._rect(d, x + cw // 2, y, x + cw, y + chh, fg)
            elif ch in "░▒▓":
                t = {"░": 0.25, "▒": 0.5, "▓": 0.75}[ch]
                self._rect(d, x, y, x + cw, y + chh, blend(bg, fg, t))
            elif ch == "▔":
                self._rect(d, x, y, x + cw, y + max(1, round(chh / 8)), fg)
            elif ch == "▕":
                self._rect(d, x + cw - max(1, round(cw / 8)), y, x + cw, y + chh, fg)
            else:  # quadrants ▖▗▘▙▚▛▜▝▞▟: bits UL, UR, LL, LR
                quads = {"▖": 0b0010, "▗": 0b0001, "▘": 0b1000, "▙": 0b1011,
                         "▚": 0b1001, "▛": 0b1110, "▜": 0b1101, "▝": 0b0100,
                         "▞": 0b0110, "▟": 0b0111}[ch]
                mx, my = x + cw // 2, y + chh // 2
                if quads & 0b1000:
                    self._rect(d, x, y, mx, my, fg)
                if quads & 0b0100:
                    self._rect(d, mx, y, x + cw, my, fg)
                if quads & 0b0010:
                    self._rect(d, x, my, mx, y + chh, fg)
                if quads & 0b0001:
                    self._rect(d, mx, my, x + cw, y + chh, fg)
            return True
        if 0x2800 <= o <= 0x28FF:  # braille (ratatui's canvas and charts): 2x4 dots
            bits = o - 0x2800
            dot = max(2, round(cw / 4))
            cols = (x + round(cw * 0.3) - dot // 2, x + round(cw * 0.72) - dot // 2)
            rows = [y + round(chh * (2 * k + 1) / 8) - dot // 2 for k in range(4)]
            layout = ((0, 0, 0x01), (0, 1, 0x02), (0, 2, 0x04), (1, 0, 0x08),
                      (1, 1, 0x10), (1, 2, 0x20), (0, 3, 0x40), (1, 3, 0x80))
            for c, r, bit in layout:
                if bits & bit:
                    self._rect(d, cols[c], rows[r], cols[c] + dot, rows[r] + dot, fg)
            return True
        if ch in BOX:
            self._draw_box(d, BOX[ch], x, y, fg)
            return True
        if ch in ROUNDED:
            self._draw_rounded(d, ch, x, y, fg)
            return True
        if ch in DASHED:
            horiz, weight, n = DASHED[ch]
            t = self.light if weight == 1 else self.heavy
            cx, cy = x + (cw - t) // 2, y + (chh - t) // 2
            length = cw if horiz else chh
            seg = length / n
            for k in range(n):
                a = round(k * seg)
                b = round(k * seg + seg * 0.6)
                if horiz:
                    self._rect(d, x + a, cy, x + b, cy + t, fg)
                else:
                    self._rect(d, cx, y + a, cx + t, y + b, fg)
            return True
        return False

    def _strokes(self, w):
        """(side, offset from the light line's position, thickness) of each stroke."""
        if w == 3:
            gap = self.light + 1
            return [(-1, -gap, self.light), (1, gap, self.light)]
        if w == 2:
            return [(0, -((self.heavy - self.light) // 2), self.heavy)]
        return [(0, 0, self.light)]

    def _arm_start(self, w_opp, cross_neg, cross_pos, side):
        """Where an arm going in the + direction starts, relative to the centre line,
        so that it meets the crossing arms (mirrored for arms going in - direction)."""
        gap = self.light + 1
        on_side = cross_neg if side < 0 else cross_pos if side > 0 else 0
        if on_side == 3:  # inner stroke of a double line meets a double crossing line
            return gap
        if w_opp:  # the line goes straight through
            return 0
        if cross_neg or cross_pos:
            if side == 0 and cross_neg == 3 and cross_pos == 3:
                return gap
            ext = {3: gap, 2: (self.heavy - self.light) // 2, 1: 0}
            return -max(ext[w] for w in (cross_neg, cross_pos) if w)
        return 0

    def _draw_box(self, d, arms, x, y, fg):
        up, right, down, left = arms
        cw, chh, lt = self.cw, self.ch, self.light
        cx = x + (cw - lt) // 2  # left edge of a light vertical line
        cy = y + (chh - lt) // 2  # top edge of a light horizontal line
        for w, opp, forward in ((down, up, True), (up, down, False)):
            if not w:
                continue
            for side, off, t in self._strokes(w):
                a = self._arm_start(opp, left, right, side)
                x0 = cx + off
                if forward:
                    self._rect(d, x0, cy + a, x0 + t, y + chh, fg)
                else:
                    self._rect(d, x0, y, x0 + t, cy + lt - a, fg)
        for w, opp, forward in ((right, left, True), (left, right, False)):
            if not w:
                continue
            for side, off, t in self._strokes(w):
                a = self._arm_start(opp, up, down, side)
                y0 = cy + off
                if forward:
                    self._rect(d, cx + a, y0, x + cw, y0 + t, fg)
                else:
                    self._rect(d, x, y0, cx + lt - a, y0 + t, fg)

    def _draw_rounded(self, d, ch, x, y, fg):
        up, right, down, left = ROUNDED[ch]
        cw, chh, lt = self.cw, self.ch, self.light
        cx = x + (cw - lt) // 2
        cy = y + (chh - lt) // 2
        r = cw // 2
        # straight parts from the arc to the cell edges
        if right:
            self._rect(d, cx + r, cy, x + cw, cy + lt, fg)
        if left:
            self._rect(d, x, cy, cx - r + lt, cy + lt, fg)
        if down:
            self._rect(d, cx, cy + r, cx + lt, y + chh, fg)
        if up:
            self._rect(d, cx, y, cx + lt, cy - r + lt, fg)
        # the quarter circle, centre at the inside corner
        ax = cx + r if right else cx - r + lt - 1
        ay = cy + r if down else cy - r + lt - 1
        box = [ax - r, ay - r, ax + r, ay + r]
        start = {("r", "d"): 180, ("l", "d"): 270, ("l", "u"): 0, ("r", "u"): 90}[
            ("r" if right else "l", "d" if down else "u")]
        d.arc(box, start, start + 90, fill=fg, width=lt)

    # -- the whole screen ------------------------------------------------------

    def render(self, ansi_text: str, width: int, height: int, title: str | None = None):
        from PIL import Image, ImageDraw

        grid = parse(ansi_text, width, height)
        cw, chh = self.cw, self.ch
        term = Image.new("RGB", (width * cw, height * chh), DEFAULT_BG)
        d = ImageDraw.Draw(term)
        # backgrounds first, then glyphs, so glyphs that overhang are not cut
        for r, row in enumerate(grid):
            for c, (text, style, span) in enumerate(row):
                if span == 0:
                    continue
                _, bg = cell_colours(style)
                if bg != DEFAULT_BG:
                    x, y = c * cw, r * chh
                    self._rect(d, x, y, x + cw * span, y + chh, bg)
        for r, row in enumerate(grid):
            for c, (text, style, span) in enumerate(row):
                if span == 0:
                    continue
                fg, bg = cell_colours(style)
                x, y = c * cw, r * chh
                if text != " " and text:
                    if len(text) == 1 and self.draw_special(d, text, x, y, fg, bg):
                        pass
                    else:
                        font = self.font_for(text, style[BOLD], style[ITALIC])
                        gx, gy = x, y
                        if font not in self.fonts.values():
                            # fallback font: centre it in its cell(s), baseline aligned
                            gx = x + (cw * span - font.getlength(text)) / 2
                            gy = y + self.ascent - font.getmetrics()[0]
                        d.text((gx, gy), text, font=font, fill=fg)
                if style[UNDERLINE]:
                    uy = y + min(chh - 1, self.ascent + 2)
                    self._rect(d, x, uy, x + cw * span, uy + self.light, fg)
                if style[STRIKE]:
                    sy = y + chh // 2
                    self._rect(d, x, sy, x + cw * span, sy + self.light, fg)
        return self.frame(term, title)

    def frame(self, term, title: str | None):
        """Put the terminal image in a window with a title bar and rounded corners."""
        from PIL import Image, ImageDraw

        w = term.width + 2 * FRAME_PAD
        h = term.height + 2 * FRAME_PAD + FRAME_TITLE_H
        s = 3  # draw the outline supersampled for smooth corners
        mask = Image.new("L", (w * s, h * s), 0)
        ImageDraw.Draw(mask).rounded_rectangle(
            [0, 0, w * s - 1, h * s - 1], radius=FRAME_RADIUS * s, fill=255)
        mask = mask.resize((w, h), Image.LANCZOS)

        win = Image.new("RGB", (w, h), DEFAULT_BG)
        d = ImageDraw.Draw(win)
        d.rectangle([0, 0, w - 1, FRAME_TITLE_H - 1], fill=FRAME_TITLE_BG)
        d.line([0, FRAME_TITLE_H - 1, w - 1, FRAME_TITLE_H - 1], fill=FRAME_BORDER)
        rr = 6
        for i, col in enumerate(FRAME_DOTS):
            cx = 18 + i * 20
            cy = FRAME_TITLE_H // 2
            d.ellipse([cx - rr, cy - rr, cx + rr, cy + rr], fill=col)
        if title:
            font = self.fonts[(False, False)]
            max_chars = max(0, (w - 160) // self.cw)
            if len(title) > max_chars:
                title = title[: max(0, max_chars - 1)] + "…"
            tw = font.getlength(title)
            d.text(((w - tw) / 2, (FRAME_TITLE_H - self.ch) / 2 + 1), title,
                   font=font, fill=FRAME_TITLE_FG)
        win.paste(term, (FRAME_PAD, FRAME_TITLE_H + FRAME_PAD))

        # 1px border along the rounded outline
        border = Image.new("L", (w * s, h * s), 0)
        ImageDraw.Draw(border).rounded_rectangle(
            [0, 0, w * s - 1, h * s - 1], radius=FRAME_RADIUS * s, outline=255, width=s)
        border = border.resize((w, h), Image.LANCZOS)
        win.paste(Image.new("RGB", (w, h), FRAME_BORDER), (0, 0), border)

        out = Image.new("RGBA", (w, h), (0, 0, 0, 0))
        out.paste(win, (0, 0), mask)
        return out


_renderers: dict[int, Renderer] = {}


def render(ansi_text: str, width: int, height: int, out_png, title: str | None = None,
           font_size: int = FONT_SIZE) -> None:
    """Draw `tmux capture-pane -e -p` output on a width x height grid into out_png."""
    if font_size not in _renderers:
        _renderers[font_size] = Renderer(font_size)
    img = _renderers[font_size].render(ansi_text, width, height, title)
    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    img.save(out_png, optimize=True)


# --------------------------------------------------------------------------
# tmux driver
# --------------------------------------------------------------------------


class StepFailed(Exception):
    pass


def tidy(screen: str) -> str:
    """A captured screen for an error message: no trailing spaces, no runs of blank lines."""
    lines = [ln.rstrip() for ln in screen.splitlines()]
    out = []
    for ln in lines:
        if ln or (out and out[-1]):
            out.append(ln)
    return "\n".join(out).strip("\n")


class Tmux:
    """A private tmux server (own socket, no user config) with one session."""

    def __init__(self, width: int, height: int):
        self.width, self.height = width, height
        self.target = "shots"
        # own server: a socket and config in a private temp dir, removed by kill()
        self.dir = tempfile.mkdtemp(prefix="l4m-shots-")
        self.socket = os.path.join(self.dir, "tmux.sock")
        self.conf = os.path.join(self.dir, "tmux.conf")
        with open(self.conf, "w") as conf:
            conf.write(
                "set -g default-terminal xterm-256color\n"
                "set -g status off\n"
                "set -g remain-on-exit on\n"
                "set -g history-limit 0\n"
                f"set -g default-size {width}x{height}\n"
                "set -sg escape-time 0\n"
            )
        self.env = dict(os.environ)
        lc = self.env.get("LC_ALL") or self.env.get("LC_CTYPE") or self.env.get("LANG") or ""
        if "utf-8" not in lc.lower() and "utf8" not in lc.lower():
            self.env["LANG"] = "C.UTF-8"
            self.env.pop("LC_ALL", None)
            self.env.pop("LC_CTYPE", None)
        self.env.pop("TMUX", None)  # allow running from inside tmux
        # l4m saves sessions in the state folder: a fresh one, so shots never read or change the user's.
        self.state = tempfile.mkdtemp(prefix="l4m-shots-state-")

    def tmux(self, *args: str, check: bool = True) -> str:
        r = subprocess.run(["tmux", "-u", "-S", self.socket, "-f", self.conf, *args],
                           capture_output=True, text=True, env=self.env)
        if check and r.returncode != 0:
            raise StepFailed(f"tmux {' '.join(args)}: {r.stderr.strip()}")
        return r.stdout

    def start(self, command: str, cwd: Path) -> None:
        self.tmux("new-session", "-d", "-s", self.target, "-x", str(self.width),
                  "-y", str(self.height), "-c", str(cwd),
                  "-e", "TERM=xterm-256color", "-e", "COLORTERM=truecolor",
                  "-e", f"XDG_STATE_HOME={self.state}", command)
        size = self.tmux("display-message", "-p", "-t", self.target,
                         "#{pane_width}x#{pane_height}").strip()
        if size != f"{self.width}x{self.height}":
            self.tmux("resize-window", "-t", self.target, "-x", str(self.width),
                      "-y", str(self.height))

    def send(self, keys: list) -> None:
        for k in keys:
            if isinstance(k, (int, float)):
                time.sleep(k)
            elif isinstance(k, tuple) and len(k) == 2 and k[0] in ("text", "literal"):
                self.tmux("send-keys", "-t", self.target, "-l", "--", k[1])
            elif isinstance(k, str):
                self.tmux("send-keys", "-t", self.target, "--", k)
            else:
                raise StepFailed(f"bad key {k!r}: use a tmux key name, ('text', '...') or seconds")

    def capture(self, colours: bool = True) -> str:
        args = ["capture-pane", "-p", "-t", self.target]
        if colours:
            args.insert(1, "-e")
        return self.tmux(*args)

    def dead(self) -> str | None:
        out = self.tmux("display-message", "-p", "-t", self.target,
                        "#{pane_dead} #{pane_dead_status}", check=False).strip()
        if out.startswith("1"):
            return out[2:] or "?"
        return None

    def wait_for(self, text: str, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.capture(colours=False)
            if text in screen:
                return
            status = self.dead()
            if status is not None:
                raise StepFailed(f"the command exited (status {status}) before {text!r} "
                                 f"appeared; last screen:\n{tidy(screen)}")
            if time.monotonic() > deadline:
                raise StepFailed(f"{text!r} did not appear within {timeout}s; "
                                 f"last screen:\n{tidy(screen)}")
            time.sleep(0.1)

    def settle(self, quiet: float = 0.3, limit: float = 3.0) -> None:
        """Wait until the screen has not changed for `quiet` seconds (at most `limit`)."""
        end = time.monotonic() + limit
        last = self.capture()
        since = time.monotonic()
        while time.monotonic() < end:
            time.sleep(0.05)
            now = self.capture()
            if now != last:
                last, since = now, time.monotonic()
            elif time.monotonic() - since >= quiet:
                return

    def kill(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"],
                       capture_output=True, env=self.env)
        shutil.rmtree(self.dir, ignore_errors=True)


def run_steps(command: str, steps, width: int, height: int, out_dir: Path,
              only: list[str] | None = None, font_size: int = FONT_SIZE,
              cwd: Path = ROOT) -> list[Path]:
    names = [s[0] for s in steps]
    if only:
        unknown = [n for n in only if n not in names]
        if unknown:
            raise StepFailed(f"no step named {', '.join(unknown)}; steps: {', '.join(names)}")
        last = max(names.index(n) for n in only)
        steps = steps[: last + 1]
    made = []
    t = Tmux(width, height)
    try:
        t.start(command, cwd)
        for name, keys, wait_text, seconds in steps:
            if keys:
                t.send(list(keys))
                time.sleep(0.15)  # let the program react before polling
            if wait_text:
                t.wait_for(wait_text, seconds)
                t.settle()
            else:
                time.sleep(seconds)
            status = t.dead()
            if status is not None:
                raise StepFailed(f"step {name!r}: the command exited (status {status}); "
                                 f"last screen:\n{tidy(t.capture(colours=False))}")
            if only and name not in only:
                print(f"  {name}: (replayed, not saved)", file=sys.stderr)
                continue
            ansi = t.capture()
            out = out_dir / f"{name}.png"
            render(ansi, width, height, out, title=command_title(command), font_size=font_size)
            made.append(out)
            print(f"  {name}: {out}", file=sys.stderr)
    finally:
        t.kill()
    return made


def command_title(command: str) -> str:
    # "target/release/l4m assets" -> "l4m assets"
    first, _, rest = command.partition(" ")
    return (os.path.basename(first) + (" " + rest if rest else "")).strip()


def parse_size(s: str) -> tuple[int, int]:
    m = re.fullmatch(r"(\d+)[xX](\d+)", s.strip())
    if not m:
        raise argparse.ArgumentTypeError(f"size must look like 100x30, not {s!r}")
    w, h = int(m.group(1)), int(m.group(2))
    if not (10 <= w <= 500 and 3 <= h <= 200):
        raise argparse.ArgumentTypeError(f"size {s!r} is out of range")
    return w, h


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Make PNG screenshots of the l4m terminal UI.")
    ap.add_argument("--command", default=COMMAND,
                    help=f"what to run in tmux, from the repository root (default: {COMMAND!r})")
    ap.add_argument("--size", type=parse_size, default=parse_size(DEFAULT_SIZE),
                    help=f"terminal columns x rows (default {DEFAULT_SIZE})")
    ap.add_argument("--out", default=DEFAULT_OUT,
                    help=f"folder for the PNGs, relative to the repository root (default {DEFAULT_OUT})")
    ap.add_argument("--only", action="append", metavar="NAME",
                    help="save only this screenshot (repeatable); earlier steps' keys are still sent")
    ap.add_argument("--font-size", type=int, default=FONT_SIZE,
                    help=f"font size in px (default {FONT_SIZE}: cells of about 9x18 px)")
    ap.add_argument("--list", action="store_true", help="list the step names and exit")
    args = ap.parse_args(argv)
    # let `finally` kill the tmux server when we are terminated
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    if args.list:
        for name, keys, wait_text, seconds in STEPS:
            print(f"{name}\tkeys={keys!r}\twait_for={wait_text!r}\tseconds={seconds}")
        return 0

    ensure_system_tools()
    ensure_pillow()

    width, height = args.size
    out_dir = Path(args.out)
    if not out_dir.is_absolute():
        out_dir = ROOT / out_dir
    print(f"screenshots: {args.command!r} at {width}x{height} -> {out_dir}", file=sys.stderr)
    try:
        made = run_steps(args.command, STEPS, width, height, out_dir, args.only, args.font_size)
    except StepFailed as e:
        print(f"screenshots: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"screenshots: wrote {len(made)} PNG(s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
