#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Flow generator of the fault suite: one UDP datagram to each of COUNT
destination ports from FIRST_PORT on, i.e. COUNT distinct flows. Refused
datagrams (EPERM) are counted, not fatal. Prints "SENT N REFUSED M".

usage: flood.py ADDRESS FIRST_PORT COUNT [SIZE]
"""
import errno
import socket
import sys


def main():
    addr, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    payload = b"f" * size
    sent = refused = 0
    for port in range(first, first + count):
        try:
            s.sendto(payload, (addr, port))
            sent += 1
        except OSError as e:
            if e.errno != errno.EPERM:
                raise
            refused += 1
    print("SENT %d REFUSED %d" % (sent, refused))


if __name__ == "__main__":
    main()
