"""Session files, imports and exports. No Qt."""
