"""What every Bluetooth packet decoder raises for a packet it cannot read."""

from __future__ import annotations


class PacketDecodeError(ValueError):
    """A packet that cannot be decoded (too short for its flags, or malformed).

    Attributes
    ----------
    data : bytes
        The packet as received, for the log.
    """

    def __init__(self, message: str, data: bytes) -> None:
        super().__init__(f"{message} (packet {data.hex(' ') or 'empty'})")
        self.data = data
