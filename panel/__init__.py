"""The Serious Case Review Panel: considerations, recommendation and terms of reference (sections 6, 7, 8, 9; Appendix B)."""
