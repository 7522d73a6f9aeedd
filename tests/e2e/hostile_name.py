#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Runs client.py (same arguments) in this process after naming it with
prctl(PR_SET_NAME): the kernel then attributes the flow to a command whose
15 bytes a hostile process chose. The names are built from byte values,
so that no control character is ever typed in a source file.

usage: hostile_name.py KIND client.py-ARGS...
KIND: erase    ESC [2K, CR, "ok", LF, then a forged ") uid 0"
      formula  a spreadsheet formula (=...)
      bytes    bytes that are not UTF-8
      wide     four wide (CJK) characters"""
import ctypes
import os
import runpy
import sys

ESC, CR, LF = bytes([27]), bytes([13]), bytes([10])
NAMES = {
    "erase": ESC + b"[2K" + CR + b"ok" + LF + b") uid 0",
    "formula": b"=" + b"1+cmd|calc",
    "bytes": b"x" + bytes([0xff, 0xfe, 0xc3]),
    "wide": "\u6771\u4eac\u6771\u4eac".encode(),
}
PR_SET_NAME = 15

libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(PR_SET_NAME, ctypes.c_char_p(NAMES[sys.argv[1]]), 0, 0, 0):
    sys.exit("prctl: " + os.strerror(ctypes.get_errno()))
with open("/proc/self/comm", "rb") as f:
    if f.read().rstrip(b"\n") != NAMES[sys.argv[1]][:15]:
        sys.exit("prctl: the name did not take")
sys.argv = [os.path.join(os.path.dirname(__file__), "client.py")] + sys.argv[2:]
runpy.run_path(sys.argv[0], run_name="__main__")
