"""The overview report, board receipt and executive summary (sections 13, 14, 15)."""
