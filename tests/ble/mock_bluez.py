"""A mock BlueZ (``org.bluez``) with one heart-rate strap, for driving bleak's real BlueZ backend.

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

Like BlueZ, a dropped link sets ``Connected = False`` and removes the device object; the device
reappears when the adapter next discovers.

Control: one JSON command per line on stdin, one JSON reply per line on stdout. The first line on
stdout is ``{"ready": true}``. Commands::

    {"cmd": "notify", "hex": "16 48 00 04"}     HRM notification (error if not subscribed);
                                                the reply holds its CLOCK_MONOTONIC send time
    {"cmd": "battery", "level": 80}             set Battery Level, notify if subscribed
    {"cmd": "drop"}                             link lost, device out of range
    {"cmd": "return"}                           device in range again
    {"cmd": "state"}                            connection / discovery state
    {"cmd": "quit"}
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

    @dbus.service.method(ADAPTER, in_signature="a{sv}")
    def SetDiscoveryFilter(self, filters):
        self.world.log("filter", {str(k): str(v) for k, v in filters.items()})

    @dbus.service.method(ADAPTER)
    def StartDiscovery(self):
        if not self.props["Powered"]:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        self.set(Discovering=dbus.Boolean(True))
        self.world.discovery_changed()

    @dbus.service.method(ADAPTER)
    def StopDiscovery(self):
        if not self.props["Discovering"]:
            raise DBusError("org.bluez.Error.NotReady", "Resource Not Ready")
        self.set(Discovering=dbus.Boolean(False))
        self.world.discovery_changed()

    @dbus.service.method(ADAPTER, in_signature="o")
    def RemoveDevice(self, path):
        self.world.remove_device()


class Characteristic(Obj):
    def __init__(self, bus, world: World, path: str, service: str, short: int, flags: list[str], value: bytes) -> None:
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
        self.world = world
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
        if "notify" not in self.props["Flags"]:
            raise DBusError("org.bluez.Error.NotSupported", "Operation is not supported")
        self.set(Notifying=dbus.Boolean(True))
        self.world.log("subscribed", f"{self.short:04x}")

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
    def __init__(self, bus, world: World, address: str, name: str, uuids: list[str], rssi: int = -60, extra: bool = False) -> None:
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
        self.world = world
        self.extra = extra
        self.base_rssi = rssi

    @dbus.service.method(DEVICE, async_callbacks=("reply", "error"))
    def Connect(self, reply, error):
        if self.extra or not self.world.in_range:
            GLib.timeout_add(50, lambda: error(DBusError("org.bluez.Error.Failed", "Page Timeout")) and False)
            return
        self.world.connects += 1
        self.set(Connected=dbus.Boolean(True))
        reply()
        GLib.timeout_add(20, self.world.resolve_services)

    @dbus.service.method(DEVICE)
    def Disconnect(self):
        self.world.disconnect(remove=False)


class World:
    """The state of the mock: one adapter (or none), one strap, its GATT objects."""

    def __init__(self, bus, args) -> None:
        self.bus = bus
        self.args = args
        self.root = Root(bus, self)
        self.adapter = None if args.no_adapter else Adapter(bus, self, powered=not args.powered_off)
        self.device: Device | None = None
        self.gatt: list[Obj] = []
        self.hrm: Characteristic | None = None
        self.battery: Characteristic | None = None
        self.battery_level = args.battery
        self.in_range = True
        self.connects = 0
        self.notifications = 0
        self._rssi_timer = None
        self.events: list = []
        uuids = [HR_SERVICE, BATTERY_SERVICE] if not args.no_hr_service else [DEVINFO_SERVICE]
        self.uuids = uuids
        self.extras: list[Device] = []
        if self.adapter is not None:
            self.add_device(announce=False)
            for spec in args.extra:  # other straps in range that only advertise
                address, _, name = spec.partition("=")
                self.extras.append(Device(bus, self, address, name, [HR_SERVICE], rssi=-75, extra=True))

    def log(self, kind, value) -> None:
        self.events.append([kind, value])

    def objects(self):
        objs = [] if self.adapter is None else [self.adapter]
        if self.device is not None:
            objs.append(self.device)
        return objs + self.extras + self.gatt

    def _announce(self, obj: Obj) -> None:
        self.root.InterfacesAdded(obj.path, {obj.iface: dict(obj.props)})

    def _retract(self, obj: Obj) -> None:
        obj.remove_from_connection()
        self.root.InterfacesRemoved(obj.path, dbus.Array([obj.iface, PROPS], signature="s"))

    def add_device(self, announce: bool = True) -> None:
        if self.device is not None:
            return
        self.device = Device(self.bus, self, self.args.address, self.args.name, self.uuids)
        if announce:
            self._announce(self.device)

    def remove_device(self) -> None:
        self.remove_gatt()
        if self.device is not None:
            self._retract(self.device)
            self.device = None

    def resolve_services(self) -> bool:
        dev = self.device
        if dev is None or not dev.props["Connected"]:
            return False
        base = dev.path
        objs: list[Obj] = []
        if not self.args.no_hr_service:
            s = Service(self.bus, f"{base}/service000c", base, 0x180D)
            self.hrm = Characteristic(self.bus, self, f"{s.path}/char000d", s.path, 0x2A37, ["notify"], b"")
            loc = Characteristic(self.bus, self, f"{s.path}/char0010", s.path, 0x2A38, ["read"], bytes([self.args.location]))
            objs += [s, self.hrm, loc]
        b = Service(self.bus, f"{base}/service0020", base, 0x180F)
        self.battery = Characteristic(self.bus, self, f"{b.path}/char0021", b.path, 0x2A19, ["read", "notify"], bytes([self.battery_level]))
        objs += [b, self.battery]
        for o in objs:
            self.gatt.append(o)
            self._announce(o)
        dev.set(ServicesResolved=dbus.Boolean(True))
        return False

    def remove_gatt(self) -> None:
        for o in reversed(self.gatt):
            self._retract(o)
        self.gatt = []
        self.hrm = self.battery = None

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

    def discovery_changed(self) -> None:
        discovering = self.adapter is not None and bool(self.adapter.props["Discovering"])
        if discovering and self.in_range:
            self.add_device()
        if discovering and self._rssi_timer is None:
            self._rssi_timer = GLib.timeout_add(100, self._bump_rssi)

    def _bump_rssi(self) -> bool:
        if self.adapter is None or not self.adapter.props["Discovering"]:
            self._rssi_timer = None
            return False
        if self.in_range:
            self.add_device()
        for dev in ([self.device] if self.in_range else []) + self.extras:
            if dev is not None and not dev.props["Connected"]:
                rssi = int(dev.props["RSSI"])
                dev.set(RSSI=dbus.Int16(dev.base_rssi if rssi != dev.base_rssi else dev.base_rssi - 1))
        return True

    # ---- control channel

    def command(self, cmd: dict) -> dict:
        name = cmd.get("cmd")
        if name == "notify":
            if self.hrm is None or not self.hrm.props["Notifying"]:
                return {"ok": False, "error": "not subscribed"}
            sent = time.monotonic()  # CLOCK_MONOTONIC: comparable with the test process's clock
            self.hrm.notify(bytes.fromhex(cmd["hex"]))
            self.notifications += 1
            return {"ok": True, "sent_monotonic": sent}
        if name == "battery":
            self.battery_level = int(cmd["level"])
            if self.battery is not None:
                self.battery.props["Value"] = dbus.Array(bytes([self.battery_level]), signature="y")
                if self.battery.props["Notifying"]:
                    self.battery.notify(bytes([self.battery_level]))
                    return {"ok": True, "notified": True}
            return {"ok": True, "notified": False}
        if name == "drop":
            self.in_range = False
            self.disconnect(remove=True)
            return {"ok": True}
        if name == "return":
            self.in_range = True
            self.discovery_changed()
            return {"ok": True}
        if name == "state":
            dev = self.device
            return {
                "ok": True,
                "adapter": self.adapter is not None,
                "discovering": bool(self.adapter and self.adapter.props["Discovering"]),
                "device": dev is not None,
                "connected": bool(dev and dev.props["Connected"]),
                "subscribed": bool(self.hrm and self.hrm.props["Notifying"]),
                "battery_subscribed": bool(self.battery and self.battery.props["Notifying"]),
                "connects": self.connects,
                "events": self.events,
            }
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
