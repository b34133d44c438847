"""A mock BlueZ (``org.bluez``) with a heart-rate strap and, if asked, a blood-pressure cuff, for
driving bleak's real BlueZ backend.

Runs under the *system* Python (``/usr/bin/python3``) with Debian's ``python3-dbus`` and
``python3-gi``, on a private bus given by ``--bus ADDRESS``. It exports what bleak reads:

- ``/`` : ``org.freedesktop.DBus.ObjectManager`` (GetManagedObjects, InterfacesAdded/Removed)
- ``/org/bluez/hci0`` : ``Adapter1`` (SetDiscoveryFilter, StartDiscovery, StopDiscovery, RemoveDevice)
- ``/org/bluez/hci0/dev_XX_...`` : ``Device1`` (Connect, Disconnect), advertising the Heart Rate
  Service; while the adapter discovers, its RSSI changes every 100 ms, because bleak reports a
  device only when its advertisement data changes.
- on connect, ``GattService1`` objects for Heart Rate (0x180D: Measurement 0x2A37 notify, Body
  Sensor Location 0x2A38 read) and Battery (0x180F: Level 0x2A19 read+notify), then
  ``ServicesResolved = True``. Notifications are ``PropertiesChanged`` on ``Value``.
- with ``--cuff ADDRESS=NAME``, a second ``Device1`` advertising the Blood Pressure Service
  (0x1810) with, on connect, Blood Pressure Measurement 0x2A35 (Flags ``indicate``: in BlueZ
  ``StartNotify`` serves indications too, and the value arrives the same way), Intermediate Cuff
  Pressure 0x2A36 (notify) and Blood Pressure Feature 0x2A49 (read). Like a real cuff it sends
  its stored readings right after a client subscribes to 0x2A35, then disconnects (or stays, or
  drops the link part-way). ``--cuff-pairing required`` makes 0x2A35 refuse an unpaired link
  (``org.bluez.Error.NotPermitted: Not paired``, as BlueZ says) until ``Device1.Pair``;
  ``refused`` makes ``Pair`` fail too.

Discovery is counted per D-Bus client, as in BlueZ: one process stopping its scan does not stop
another's. Like BlueZ, a dropped link sets ``Connected = False`` and removes the device object;
the device reappears when the adapter next discovers.

Control: one JSON command per line on stdin, one JSON reply per line on stdout. The first line on
stdout is ``{"ready": true}``. Commands::

    {"cmd": "notify", "hex": "16 48 00 04"}     HRM notification (error if not subscribed);
                                                the reply holds its CLOCK_MONOTONIC send time
    {"cmd": "battery", "level": 80}             set Battery Level, notify if subscribed
    {"cmd": "drop"}                             link lost, device out of range
    {"cmd": "return"}                           device in range again
    {"cmd": "state"}                            connection / discovery state (the cuff's under "cuff")
    {"cmd": "quit"}

and for the cuff (``"device": "cuff"`` also selects it for ``drop`` and ``return``)::

    {"cmd": "cuff_store", "hex": [...], "then": "disconnect", "drop_after": null, "interval_ms": 40}
                                                stored readings, sent once a client subscribes to
                                                0x2A35; then "disconnect" (the cuff ends the link),
                                                "stay", or the link drops after "drop_after" of them
    {"cmd": "indicate", "hex": "..."}           one 0x2A35 indication now (error if not subscribed)
    {"cmd": "cuff_pressure", "hex": "..."}      one 0x2A36 notification now
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

OM = "org.freedesktop.DBus.ObjectManager"
PROPS = "org.freedesktop.DBus.Properties"
ADAPTER = "org.bluez.Adapter1"
DEVICE = "org.bluez.Device1"
SERVICE = "org.bluez.GattService1"
CHAR = "org.bluez.GattCharacteristic1"


def uuid16(short: int) -> str:
    return f"0000{short:04x}-0000-1000-8000-00805f9b34fb"


HR_SERVICE = uuid16(0x180D)
BATTERY_SERVICE = uuid16(0x180F)
DEVINFO_SERVICE = uuid16(0x180A)
BP_SERVICE = uuid16(0x1810)


class DBusError(dbus.DBusException):
    def __init__(self, name: str, message: str = "") -> None:
        super().__init__(message)
        self._dbus_error_name = name


class Obj(dbus.service.Object):
    """A D-Bus object with one BlueZ interface and its properties."""

    def __init__(self, bus, path: str, iface: str, props: dict) -> None:
        super().__init__(bus, path)
        self.path = path
        self.iface = iface
        self.props = props

    def set(self, **changed) -> None:
        self.props.update(changed)
        self.PropertiesChanged(self.iface, changed, dbus.Array([], signature="s"))

    @dbus.service.method(PROPS, in_signature="ss", out_signature="v")
    def Get(self, iface, name):
        if iface != self.iface or name not in self.props:
            raise DBusError("org.freedesktop.DBus.Error.InvalidArgs", f"no property {name}")
        return self.props[name]

    @dbus.service.method(PROPS, in_signature="s", out_signature="a{sv}")
    def GetAll(self, iface):
        return dict(self.props) if iface == self.iface else {}

    @dbus.service.method(PROPS, in_signature="ssv")
    def Set(self, iface, name, value):
        self.set(**{name: value})

    @dbus.service.signal(PROPS, signature="sa{sv}as")
    def PropertiesChanged(self, iface, changed, invalidated):
        pass


class Root(dbus.service.Object):
    def __init__(self, bus, world: World) -> None:
        super().__init__(bus, "/")
        self.world = world

    @dbus.service.method(OM, out_signature="a{oa{sa{sv}}}")
    def GetManagedObjects(self):
        return {o.path: {o.iface: dict(o.props)} for o in self.world.objects()}

    @dbus.service.signal(OM, signature="oa{sa{sv}}")
    def InterfacesAdded(self, path, interfaces):
        pass

    @dbus.service.signal(OM, signature="oas")
    def InterfacesRemoved(self, path, interfaces):
        pass


class Adapter(Obj):
    def __init__(self, bus, world: World, powered: bool) -> None:
        super().__init__(
            bus,
            "/org/bluez/hci0",
            ADAPTER,
            {
                "Address": "00:1A:7D:DA:71:13",
                "AddressType": "public",
                "Name": "mock",
                "Alias": "mock",
                "Class": dbus.UInt32(0),
                "Powered": dbus.Boolean(powered),
                "Discoverable": dbus.Boolean(False),
                "Pairable": dbus.Boolean(False),
                "Discovering": dbus.Boolean(False),
                "UUIDs": dbus.Array([], signature="s"),
                "Roles": dbus.Array(["central", "peripheral"], signature="s"),
            },
        )
        self.world = world
        self.clients: set[str] = set()

    @dbus.service.method(ADAPTER, in_signature="a{sv}")
    def SetDiscoveryFilter(self, filters):
        self.world.log("filter", {str(k): str(v) for k, v in filters.items()})

    @dbus.service.method(ADAPTER, sender_keyword="sender")
    def StartDiscovery(self, sender=None):
        if not self.props["Powered"]:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        self.clients.add(sender)
        if not self.props["Discovering"]:
            self.set(Discovering=dbus.Boolean(True))
        self.world.discovery_changed()

    @dbus.service.method(ADAPTER, sender_keyword="sender")
    def StopDiscovery(self, sender=None):
        if sender not in self.clients:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        self.clients.discard(sender)
        if not self.clients:
            self.set(Discovering=dbus.Boolean(False))
        self.world.discovery_changed()

    @dbus.service.method(ADAPTER, in_signature="o")
    def RemoveDevice(self, path):
        for peripheral in self.world.peripherals():
            if peripheral.device is not None and peripheral.device.path == str(path):
                peripheral.remove_device()


class Characteristic(Obj):
    def __init__(self, bus, peripheral: Peripheral, path: str, service: str, short: int, flags: list[str], value: bytes) -> None:
        super().__init__(
            bus,
            path,
            CHAR,
            {
                "UUID": uuid16(short),
                "Service": dbus.ObjectPath(service),
                "Value": dbus.Array(value, signature="y"),
                "Notifying": dbus.Boolean(False),
                "Flags": dbus.Array(flags, signature="s"),
                "MTU": dbus.UInt16(247),
            },
        )
        self.peripheral = peripheral
        self.short = short

    @dbus.service.method(CHAR, in_signature="a{sv}", out_signature="ay")
    def ReadValue(self, options):
        if "read" not in self.props["Flags"]:
            raise DBusError("org.bluez.Error.NotPermitted", "Read not permitted")
        return dbus.Array(self.props["Value"], signature="y")

    @dbus.service.method(CHAR, in_signature="aya{sv}")
    def WriteValue(self, value, options):
        raise DBusError("org.bluez.Error.NotPermitted", "Write not permitted")

    @dbus.service.method(CHAR)
    def StartNotify(self):
        flags = self.props["Flags"]
        if "notify" not in flags and "indicate" not in flags:
            raise DBusError("org.bluez.Error.NotSupported", "Operation is not supported")
        self.peripheral.before_subscribe(self)
        self.set(Notifying=dbus.Boolean(True))
        self.peripheral.world.log("subscribed", f"{self.short:04x}")
        self.peripheral.subscribed(self)

    @dbus.service.method(CHAR)
    def StopNotify(self):
        self.set(Notifying=dbus.Boolean(False))

    def notify(self, value: bytes) -> None:
        self.set(Value=dbus.Array(value, signature="y"))


class Service(Obj):
    def __init__(self, bus, path: str, device: str, short: int) -> None:
        super().__init__(
            bus,
            path,
            SERVICE,
            {"UUID": uuid16(short), "Primary": dbus.Boolean(True), "Device": dbus.ObjectPath(device), "Includes": dbus.Array([], signature="o")},
        )


class Device(Obj):
    def __init__(self, bus, peripheral: Peripheral | None, address: str, name: str, uuids: list[str], rssi: int = -60) -> None:
        path = "/org/bluez/hci0/dev_" + address.replace(":", "_")
        super().__init__(
            bus,
            path,
            DEVICE,
            {
                "Address": address,
                "AddressType": "random",
                "Name": name,
                "Alias": name,
                "Adapter": dbus.ObjectPath("/org/bluez/hci0"),
                "Paired": dbus.Boolean(False),
                "Bonded": dbus.Boolean(False),
                "Trusted": dbus.Boolean(False),
                "Blocked": dbus.Boolean(False),
                "LegacyPairing": dbus.Boolean(False),
                "Connected": dbus.Boolean(False),
                "ServicesResolved": dbus.Boolean(False),
                "RSSI": dbus.Int16(rssi),
                "UUIDs": dbus.Array(uuids, signature="s"),
                "ManufacturerData": dbus.Dictionary({}, signature="qv"),
                "ServiceData": dbus.Dictionary({}, signature="sv"),
            },
        )
        self.peripheral = peripheral  # None: a device that only advertises
        self.base_rssi = rssi

    @dbus.service.method(DEVICE, async_callbacks=("reply", "error"))
    def Connect(self, reply, error):
        peripheral = self.peripheral
        if peripheral is None or not peripheral.in_range:
            GLib.timeout_add(50, lambda: error(DBusError("org.bluez.Error.Failed", "Page Timeout")) and False)
            return
        peripheral.connects += 1
        self.set(Connected=dbus.Boolean(True))
        reply()
        GLib.timeout_add(20, peripheral.resolve_services)

    @dbus.service.method(DEVICE)
    def Disconnect(self):
        if self.peripheral is not None:
            self.peripheral.disconnect(remove=False)

    @dbus.service.method(DEVICE, async_callbacks=("reply", "error"))
    def Pair(self, reply, error):
        peripheral = self.peripheral
        if peripheral is None or not peripheral.pairable:
            GLib.timeout_add(50, lambda: error(DBusError("org.bluez.Error.AuthenticationFailed", "Authentication Failed")) and False)
            return
        self.set(Paired=dbus.Boolean(True), Bonded=dbus.Boolean(True))
        peripheral.world.log("paired", self.props["Address"])
        reply()


class Peripheral:
    """One device this mock plays: its Device1 object (while in range) and, while connected, its GATT objects."""

    def __init__(self, world: World, address: str, name: str, uuids: list[str], rssi: int = -60) -> None:
        self.world = world
        self.bus = world.bus
        self.address = address
        self.name = name
        self.uuids = uuids
        self.rssi = rssi
        self.device: Device | None = None
        self.gatt: list[Obj] = []
        self.in_range = True
        self.connects = 0
        self.paired = False
        self.pairable = True

    @property
    def connected(self) -> bool:
        return bool(self.device and self.device.props["Connected"])

    def add_device(self, announce: bool = True) -> None:
        if self.device is not None:
            return
        self.device = Device(self.bus, self, self.address, self.name, self.uuids, self.rssi)
        if self.paired:  # BlueZ keeps a bond across connections
            self.device.props.update(Paired=dbus.Boolean(True), Bonded=dbus.Boolean(True))
        if announce:
            self.world.announce(self.device)

    def remove_device(self) -> None:
        self.remove_gatt()
        if self.device is not None:
            self.paired = bool(self.device.props["Paired"])
            self.world.retract(self.device)
            self.device = None

    def build_gatt(self, base: str) -> list[Obj]:
        raise NotImplementedError

    def resolve_services(self) -> bool:
        dev = self.device
        if dev is None or not dev.props["Connected"]:
            return False
        for o in self.build_gatt(dev.path):
            self.gatt.append(o)
            self.world.announce(o)
        dev.set(ServicesResolved=dbus.Boolean(True))
        return False

    def remove_gatt(self) -> None:
        for o in reversed(self.gatt):
            self.world.retract(o)
        self.gatt = []

    def disconnect(self, remove: bool) -> None:
        dev = self.device
        if dev is None:
            return
        if dev.props["Connected"]:
            dev.set(ServicesResolved=dbus.Boolean(False))
            dev.set(Connected=dbus.Boolean(False))
        self.remove_gatt()
        if remove:
            self.remove_device()

    def drop(self) -> None:
        """The device goes out of range: link lost, device object gone (as BlueZ does)."""
        self.in_range = False
        self.disconnect(remove=True)

    def come_back(self) -> None:
        self.in_range = True
        self.world.discovery_changed()

    def before_subscribe(self, char: Characteristic) -> None:
        """Raise a D-Bus error to refuse a subscription."""

    def subscribed(self, char: Characteristic) -> None:
        """A client subscribed to ``char``."""


class Strap(Peripheral):
    """A heart-rate strap (or, with ``--no-hr-service``, a device without the service)."""

    def __init__(self, world: World, args) -> None:
        uuids = [HR_SERVICE, BATTERY_SERVICE] if not args.no_hr_service else [DEVINFO_SERVICE]
        super().__init__(world, args.address, args.name, uuids)
        self.args = args
        self.hrm: Characteristic | None = None
        self.battery: Characteristic | None = None
        self.battery_level = args.battery
        self.notifications = 0

    def build_gatt(self, base: str) -> list[Obj]:
        objs: list[Obj] = []
        if not self.args.no_hr_service:
            s = Service(self.bus, f"{base}/service000c", base, 0x180D)
            self.hrm = Characteristic(self.bus, self, f"{s.path}/char000d", s.path, 0x2A37, ["notify"], b"")
            loc = Characteristic(self.bus, self, f"{s.path}/char0010", s.path, 0x2A38, ["read"], bytes([self.args.location]))
            objs += [s, self.hrm, loc]
        b = Service(self.bus, f"{base}/service0020", base, 0x180F)
        self.battery = Characteristic(self.bus, self, f"{b.path}/char0021", b.path, 0x2A19, ["read", "notify"], bytes([self.battery_level]))
        return objs + [b, self.battery]

    def remove_gatt(self) -> None:
        super().remove_gatt()
        self.hrm = self.battery = None


class Cuff(Peripheral):
    """A blood-pressure cuff: stored readings are indicated once a client subscribes to 0x2A35."""

    def __init__(self, world: World, address: str, name: str, pairing: str, feature: int) -> None:
        super().__init__(world, address, name, [BP_SERVICE], rssi=-65)
        self.pairing = pairing
        self.pairable = pairing != "refused"
        self.feature = feature
        self.bpm: Characteristic | None = None
        self.icp: Characteristic | None = None
        self.stored: list[bytes] = []
        self.then = "disconnect"
        self.drop_after: int | None = None
        self.interval_ms = 40
        self.sent = 0
        self._sending = False

    def build_gatt(self, base: str) -> list[Obj]:
        s = Service(self.bus, f"{base}/service0030", base, 0x1810)
        self.bpm = Characteristic(self.bus, self, f"{s.path}/char0031", s.path, 0x2A35, ["indicate"], b"")
        self.icp = Characteristic(self.bus, self, f"{s.path}/char0034", s.path, 0x2A36, ["notify"], b"")
        feature = Characteristic(self.bus, self, f"{s.path}/char0037", s.path, 0x2A49, ["read"], self.feature.to_bytes(2, "little"))
        return [s, self.bpm, self.icp, feature]

    def remove_gatt(self) -> None:
        super().remove_gatt()
        self.bpm = self.icp = None
        self._sending = False

    def before_subscribe(self, char: Characteristic) -> None:
        paired = bool(self.device and self.device.props["Paired"])
        if char is self.bpm and self.pairing != "none" and not paired:
            raise DBusError("org.bluez.Error.NotPermitted", "Not paired")

    def subscribed(self, char: Characteristic) -> None:
        if char is self.bpm and self.stored and not self._sending:
            self._sending = True
            GLib.timeout_add(self.interval_ms, self._send_next)

    def _send_next(self) -> bool:
        if self.bpm is None or not self.bpm.props["Notifying"] or not self._sending:
            self._sending = False
            return False
        if self.drop_after is not None and self.sent >= self.drop_after:
            self._sending = False
            self.stored = []
            self.drop()
            return False
        if self.stored:
            self.bpm.notify(self.stored.pop(0))
            self.sent += 1
            return True
        self._sending = False
        if self.then == "disconnect":
            self.disconnect(remove=False)
        return False

    def indicate(self, value: bytes) -> bool:
        if self.bpm is None or not self.bpm.props["Notifying"]:
            return False
        self.bpm.notify(value)
        self.sent += 1
        return True


class World:
    """The state of the mock: one adapter (or none), a strap (unless ``--no-strap``), maybe a cuff."""

    def __init__(self, bus, args) -> None:
        self.bus = bus
        self.args = args
        self.root = Root(bus, self)
        self.adapter = None if args.no_adapter else Adapter(bus, self, powered=not args.powered_off)
        self._rssi_timer = None
        self.events: list = []
        self.strap: Strap | None = None
        self.cuff: Cuff | None = None
        self.extras: list[Device] = []
        if self.adapter is not None:
            if not args.no_strap:
                self.strap = Strap(self, args)
                self.strap.add_device(announce=False)
            if args.cuff:
                address, _, name = args.cuff.partition("=")
                self.cuff = Cuff(self, address, name or "BP Cuff", args.cuff_pairing, args.cuff_feature)
                self.cuff.add_device(announce=False)
            for spec in args.extra:  # other straps in range that only advertise
                address, _, name = spec.partition("=")
                self.extras.append(Device(bus, None, address, name, [HR_SERVICE], rssi=-75))

    def log(self, kind, value) -> None:
        self.events.append([kind, value])

    def peripherals(self) -> list[Peripheral]:
        return [p for p in (self.strap, self.cuff) if p is not None]

    def objects(self):
        objs: list[Obj] = [] if self.adapter is None else [self.adapter]
        objs += [p.device for p in self.peripherals() if p.device is not None]
        return objs + self.extras + [o for p in self.peripherals() for o in p.gatt]

    def announce(self, obj: Obj) -> None:
        self.root.InterfacesAdded(obj.path, {obj.iface: dict(obj.props)})

    def retract(self, obj: Obj) -> None:
        obj.remove_from_connection()
        self.root.InterfacesRemoved(obj.path, dbus.Array([obj.iface, PROPS], signature="s"))

    def discovery_changed(self) -> None:
        discovering = self.adapter is not None and bool(self.adapter.props["Discovering"])
        if discovering:
            for p in self.peripherals():
                if p.in_range:
                    p.add_device()
        if discovering and self._rssi_timer is None:
            self._rssi_timer = GLib.timeout_add(100, self._bump_rssi)

    def _bump_rssi(self) -> bool:
        if self.adapter is None or not self.adapter.props["Discovering"]:
            self._rssi_timer = None
            return False
        devices = list(self.extras)
        for p in self.peripherals():
            if p.in_range:
                p.add_device()
                devices.append(p.device)
        for dev in devices:
            if dev is not None and not dev.props["Connected"]:
                rssi = int(dev.props["RSSI"])
                dev.set(RSSI=dbus.Int16(dev.base_rssi if rssi != dev.base_rssi else dev.base_rssi - 1))
        return True

    # ---- control channel

    def command(self, cmd: dict) -> dict:
        name = cmd.get("cmd")
        target = self.cuff if cmd.get("device") == "cuff" else self.strap
        strap = self.strap
        if name == "notify":
            if strap is None or strap.hrm is None or not strap.hrm.props["Notifying"]:
                return {"ok": False, "error": "not subscribed"}
            sent = time.monotonic()  # CLOCK_MONOTONIC: comparable with the test process's clock
            strap.hrm.notify(bytes.fromhex(cmd["hex"]))
            strap.notifications += 1
            return {"ok": True, "sent_monotonic": sent}
        if name == "battery":
            strap.battery_level = int(cmd["level"])
            if strap.battery is not None:
                strap.battery.props["Value"] = dbus.Array(bytes([strap.battery_level]), signature="y")
                if strap.battery.props["Notifying"]:
                    strap.battery.notify(bytes([strap.battery_level]))
                    return {"ok": True, "notified": True}
            return {"ok": True, "notified": False}
        if name == "drop":
            target.drop()
            return {"ok": True}
        if name == "return":
            target.come_back()
            return {"ok": True}
        if name == "cuff_store":
            cuff = self.cuff
            cuff.stored = [bytes.fromhex(h) for h in cmd["hex"]]
            cuff.then = cmd.get("then", "disconnect")
            cuff.drop_after = cmd.get("drop_after")
            cuff.interval_ms = int(cmd.get("interval_ms", 40))
            cuff.sent = 0
            return {"ok": True}
        if name == "indicate":
            return {"ok": self.cuff.indicate(bytes.fromhex(cmd["hex"]))}
        if name == "cuff_pressure":
            icp = self.cuff.icp
            if icp is None or not icp.props["Notifying"]:
                return {"ok": False, "error": "not subscribed"}
            icp.notify(bytes.fromhex(cmd["hex"]))
            return {"ok": True}
        if name == "state":
            dev = strap.device if strap is not None else None
            state = {
                "ok": True,
                "adapter": self.adapter is not None,
                "discovering": bool(self.adapter and self.adapter.props["Discovering"]),
                "device": dev is not None,
                "connected": bool(dev and dev.props["Connected"]),
                "subscribed": bool(strap and strap.hrm and strap.hrm.props["Notifying"]),
                "battery_subscribed": bool(strap and strap.battery and strap.battery.props["Notifying"]),
                "connects": strap.connects if strap is not None else 0,
                "events": self.events,
            }
            cuff = self.cuff
            if cuff is not None:
                state["cuff"] = {
                    "device": cuff.device is not None,
                    "connected": cuff.connected,
                    "subscribed": bool(cuff.bpm and cuff.bpm.props["Notifying"]),
                    "pressure_subscribed": bool(cuff.icp and cuff.icp.props["Notifying"]),
                    "paired": bool(cuff.device and cuff.device.props["Paired"]) or cuff.paired,
                    "connects": cuff.connects,
                    "sent": cuff.sent,
                    "pending": len(cuff.stored),
                }
            return state
        if name == "quit":
            GLib.idle_add(self.loop.quit)
            return {"ok": True}
        return {"ok": False, "error": f"unknown command {name!r}"}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bus", required=True)
    parser.add_argument("--address", default="C0:FF:EE:12:34:56")
    parser.add_argument("--name", default="Polar H10 1234ABCD")
    parser.add_argument("--battery", type=int, default=87)
    parser.add_argument("--location", type=int, default=1)
    parser.add_argument("--no-adapter", action="store_true")
    parser.add_argument("--powered-off", action="store_true")
    parser.add_argument("--no-hr-service", action="store_true")
    parser.add_argument("--extra", action="append", default=[], metavar="ADDRESS=NAME", help="another strap that only advertises")
    parser.add_argument("--no-strap", action="store_true", help="no strap (a cuff alone)")
    parser.add_argument("--cuff", metavar="ADDRESS=NAME", help="a blood-pressure cuff in range")
    parser.add_argument("--cuff-pairing", choices=("none", "required", "refused"), default="none")
    parser.add_argument("--cuff-feature", type=lambda x: int(x, 0), default=0x0007, help="Blood Pressure Feature bits")
    args = parser.parse_args()

    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(args.bus)
    world = World(bus, args)
    name = dbus.service.BusName("org.bluez", bus)  # noqa: F841  (kept alive for the bus name)
    loop = GLib.MainLoop()
    world.loop = loop

    def on_stdin(fd, condition) -> bool:
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        try:
            reply = world.command(json.loads(line))
        except Exception as exc:  # the test sees the error instead of a dead mock
            reply = {"ok": False, "error": repr(exc)}
        print(json.dumps(reply), flush=True)
        return True

    GLib.io_add_watch(sys.stdin.fileno(), GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP, on_stdin)
    print(json.dumps({"ready": True}), flush=True)
    loop.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
