"""Each agency's Individual Management Review (sections 10, 11, 12; Appendix C)."""
