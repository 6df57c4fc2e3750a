"""Showing people's names as little as the work needs."""


def initials(name: str) -> str:
    """'Mary-Jane O'Connor Smith' -> 'MJOS'; '?' when there is no name."""
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    return "".join(p[0].upper() for p in parts) or "?"
