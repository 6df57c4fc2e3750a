"""The Serious Case Review Panel: considerations, recommendation and terms of reference.

Sections 6, 7, 8 and 9; Appendix B.
"""
