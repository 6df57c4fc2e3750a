"""The IMR stage in the demo (fictional people only)."""
