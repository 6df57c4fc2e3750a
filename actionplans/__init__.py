"""Agencies' action plans and the evidence they were carried out (section 16)."""
