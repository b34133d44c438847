"""A mock XDG desktop portal: the desktop's light/dark preference, changed on command.

Runs under the system Python with Debian's python3-dbus and python3-gi (as the mock BlueZ does),
on a private session bus. It serves ``org.freedesktop.portal.Settings`` at
``/org/freedesktop/portal/desktop`` as xdg-desktop-portal does: ``ReadAll``, ``ReadOne``, ``Read``
and the ``SettingChanged`` signal, for ``org.freedesktop.appearance`` ``color-scheme`` (0 no
preference, 1 dark, 2 light). Qt's ``xdgdesktopportal`` platform theme reads it at start and
follows its changes, exactly as on a desktop whose user switches between light and dark.

Control: write a scheme number (0, 1, 2) on a line to stdin; it answers ``changed`` on stdout.
"""

import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

DBusGMainLoop(set_as_default=True)
BUS = dbus.SessionBus()
NAME = dbus.service.BusName("org.freedesktop.portal.Desktop", BUS)
IFACE = "org.freedesktop.portal.Settings"
APPEARANCE, KEY = "org.freedesktop.appearance", "color-scheme"


class Settings(dbus.service.Object):
    def __init__(self, scheme: int) -> None:
        super().__init__(BUS, "/org/freedesktop/portal/desktop")
        self.scheme = dbus.UInt32(scheme)

    def _value(self, namespace: str, key: str):
        if (namespace, key) != (APPEARANCE, KEY):
            raise dbus.exceptions.DBusException("no such setting", name="org.freedesktop.portal.Error.NotFound")
        return self.scheme

    @dbus.service.method(IFACE, in_signature="as", out_signature="a{sa{sv}}")
    def ReadAll(self, namespaces):  # noqa: N802 (the portal's name)
        return {APPEARANCE: {KEY: self.scheme}}

    @dbus.service.method(IFACE, in_signature="ss", out_signature="v")
    def ReadOne(self, namespace, key):  # noqa: N802
        return self._value(namespace, key)

    @dbus.service.method(IFACE, in_signature="ss", out_signature="v")
    def Read(self, namespace, key):  # noqa: N802 (deprecated: the value wrapped in one more variant)
        return dbus.UInt32(self._value(namespace, key), variant_level=2)

    @dbus.service.signal(IFACE, signature="ssv")
    def SettingChanged(self, namespace, key, value):  # noqa: N802
        pass


def main() -> None:
    settings = Settings(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    loop = GLib.MainLoop()

    def on_command(_source, _condition) -> bool:
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        settings.scheme = dbus.UInt32(int(line))
        settings.SettingChanged(APPEARANCE, KEY, dbus.UInt32(int(line), variant_level=1))
        print("changed", flush=True)
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN, on_command)
    print("ready", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
