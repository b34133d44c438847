"""A private D-Bus acting as the system bus, with the mock BlueZ of ``mock_bluez.py`` on it.

Used by ``tests/ble`` (fixtures in its conftest) and by the window tests in ``tests/qt``.

bleak's real BlueZ backend talks to it exactly as it would to bluetoothd. The mock runs under the
system Python, which has Debian's ``python3-dbus`` and ``python3-gi`` (``.ci/run`` installs them);
these tests skip only where ``dbus-daemon`` itself is missing.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).parent
SYSTEM_PYTHON = "/usr/bin/python3"
STRAP_ADDRESS = "C0:FF:EE:12:34:56"
STRAP_NAME = "Polar H10 1234ABCD"
CUFF_ADDRESS = "B0:0D:BE:EF:00:35"
CUFF_NAME = "BP Cuff 7361T"

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*" eavesdrop="true"/>
    <allow receive_sender="*"/>
    <allow send_type="method_call"/>
  </policy>
</busconfig>
"""


class MockStrap:
    """The control channel of a running mock BlueZ (its strap, and its cuff if started with one)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc = proc
        self._sel = selectors.DefaultSelector()
        self._sel.register(proc.stdout, selectors.EVENT_READ)

    def _readline(self, timeout: float) -> dict:
        if not self._sel.select(timeout):
            raise TimeoutError("the mock BlueZ did not answer")
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the mock BlueZ died: {self.proc.stderr.read()}")
        return json.loads(line)

    def command(self, cmd: str, **kwargs) -> dict:
        self.proc.stdin.write(json.dumps({"cmd": cmd, **kwargs}) + "\n")
        self.proc.stdin.flush()
        return self._readline(10.0)

    def state(self) -> dict:
        return self.command("state")

    def notify(self, packet: bytes) -> float:
        """Send one Heart Rate Measurement notification; returns its ``time.monotonic()`` send time."""
        reply = self.command("notify", hex=packet.hex())
        assert reply["ok"], reply
        return reply["sent_monotonic"]

    def store_readings(self, packets: list[bytes], then: str = "disconnect", drop_after: int | None = None, interval_ms: int = 40) -> None:
        """Give the mock cuff stored readings, indicated once a client subscribes to 0x2A35."""
        reply = self.command("cuff_store", hex=[p.hex() for p in packets], then=then, drop_after=drop_after, interval_ms=interval_ms)
        assert reply["ok"], reply

    def indicate(self, packet: bytes) -> None:
        """Send one Blood Pressure Measurement indication from the mock cuff now."""
        reply = self.command("indicate", hex=packet.hex())
        assert reply["ok"], reply

    def cuff_state(self) -> dict:
        return self.state()["cuff"]

    def wait_for(self, predicate: Callable[[dict], bool], timeout: float = 20.0, what: str = "") -> dict:
        deadline = time.monotonic() + timeout
        while True:
            state = self.state()
            if predicate(state):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {what or predicate}: {state}")
            time.sleep(0.05)

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.command("quit")
            except (TimeoutError, RuntimeError, BrokenPipeError):
                pass
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._sel.close()
        for pipe in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                pipe.close()
            except BrokenPipeError:
                pass


class BlueZBus:
    """A private system bus; start mock BlueZ instances on it with :meth:`start_mock`."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        socket = tmp / "system_bus_socket"
        config = tmp / "bus.conf"
        config.write_text(BUS_CONFIG.format(socket=socket))
        self.daemon = subprocess.Popen(
            ["dbus-daemon", "--config-file", str(config), "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # it warns that it may not raise its fd limit; harmless here
            text=True,
        )
        self.address = self.daemon.stdout.readline().strip()
        if not self.address:
            raise RuntimeError("dbus-daemon did not start")
        # bleak asks `bluetoothctl --version` once and wants BlueZ >= 5.55.
        bin_dir = tmp / "bin"
        bin_dir.mkdir()
        stub = bin_dir / "bluetoothctl"
        stub.write_text("#!/bin/sh\necho 'bluetoothctl: 5.66'\n")
        stub.chmod(0o755)
        self.env = dict(os.environ)
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = self.address
        self.env["PATH"] = f"{bin_dir}{os.pathsep}{self.env.get('PATH', '')}"
        self.mocks: list[MockStrap] = []

    def start_mock(self, *args: str) -> MockStrap:
        proc = subprocess.Popen(
            [SYSTEM_PYTHON, str(HERE / "mock_bluez.py"), "--bus", self.address, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        mock = MockStrap(proc)
        ready = mock._readline(15.0)
        assert ready == {"ready": True}, ready
        self.mocks.append(mock)
        return mock

    def close(self) -> None:
        for mock in self.mocks:
            mock.close()
        self.daemon.terminate()
        try:
            self.daemon.wait(5)
        except subprocess.TimeoutExpired:
            self.daemon.kill()
            self.daemon.wait()
        self.daemon.stdout.close()



def run_cli(bus: BlueZBus, *args: str, timeout: float = 60.0) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "biofeedback", *args], env=bus.env, capture_output=True, text=True, timeout=timeout
    )


def open_bus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> BlueZBus:
    """A private system bus, also set for bleak in this process; skips where dbus-daemon is missing."""
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed (apt-get install dbus)")
    bus = BlueZBus(tmp_path)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", bus.address)
    monkeypatch.setenv("PATH", bus.env["PATH"])
    return bus
