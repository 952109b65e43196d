"""The address phones on the same Wi-Fi can reach."""

from __future__ import annotations

import fcntl
import socket
import struct

_SIOCGIFADDR = 0x8915


def _interface_address(name: str) -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            packed = fcntl.ioctl(
                sock.fileno(), _SIOCGIFADDR, struct.pack("256s", name[:15].encode())
            )
        except OSError:
            return None
    return socket.inet_ntoa(packed[20:24])


def first_lan_address() -> str:
    """The first non-loopback IPv4 address of this machine, else 127.0.0.1.

    Read from the interfaces themselves: no packet is sent anywhere.
    """
    for _index, name in socket.if_nameindex():
        address = _interface_address(name)
        if address and not address.startswith("127."):
            return address
    return "127.0.0.1"


def public_url(configured: str | None, port: int) -> str:
    """FACILITATOR_PUBLIC_URL when set, else http://<first LAN address>:<port>."""
    if configured:
        return configured.rstrip("/")
    return f"http://{first_lan_address()}:{port}"
