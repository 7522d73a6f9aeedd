#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
"""Writes IPv4/UDP frames through an AF_PACKET socket, as a process with
CAP_NET_RAW can: the traffic the packet-socket tests send past the cgroup
hooks.

usage: packet_send.py IFACE DST_MAC SRC_IP DST_IP PORT BYPASS COUNT [CGROUP]
           BYPASS 1 sets PACKET_QDISC_BYPASS (no qdisc, no tc egress);
           with CGROUP, the process moves into that cgroup after opening
           the socket and before sending (a socket it brought along)
prints "OK N" (N frames written), "EPERM socket", "EPERM send", or
"ENOBUFS send" when the first frame was dropped on the way out (tc egress)
"""
import errno
import os
import socket
import struct
import sys

PACKET_QDISC_BYPASS = 20
SOL_PACKET = 263
ETH_P_IP = 0x0800


def checksum(data):
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    s = (s & 0xFFFF) + (s >> 16)
    s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(src_mac, dst_mac, src, dst, port, payload):
    udp = struct.pack("!HHHH", 40000, port, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dst_mac + src_mac + struct.pack("!H", ETH_P_IP) + ip + udp


def main():
    iface, dst_mac, src, dst, port, bypass, count = sys.argv[1:8]
    cgroup = sys.argv[8] if len(sys.argv) > 8 else None
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    except PermissionError:
        print("EPERM socket")
        return
    if bypass == "1":
        s.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
    s.bind((iface, 0))
    src_mac = s.getsockname()[4]
    f = frame(src_mac, bytes.fromhex(dst_mac.replace(":", "")), src, dst, int(port),
              b"juris packet socket test")
    if cgroup:
        with open(cgroup + "/cgroup.procs", "w") as procs:
            procs.write(str(os.getpid()))
    sent = 0
    for _ in range(int(count)):
        try:
            s.send(f)
        except PermissionError:
            print("EPERM send" if not sent else "EPERM send after %d" % sent)
            return
        except OSError as e:
            if e.errno != errno.ENOBUFS:
                raise
            print("ENOBUFS send" if not sent else "ENOBUFS send after %d" % sent)
            return
        sent += 1
    print("OK %d" % sent)


if __name__ == "__main__":
    main()
