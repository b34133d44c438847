"""Where samples come from: a BLE strap, a recording, or the demo simulator."""
