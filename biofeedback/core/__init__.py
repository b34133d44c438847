"""Pure numpy and standard-library code: no Qt, no bleak, no clock reads (time is passed in)."""
