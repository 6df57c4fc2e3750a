"""What `make faults` (bench/faults.py) counts and prints.

Per fault and kind of email: expected, delivered (addresses the SMTP server accepted at
least one message for), lost (none) and duplicated (every message beyond the first to
one address; each address stands for one purpose, object and recipient). Duplicates
are counted whatever their Message-ID; two more columns say how many of them carried the
first copy's Message-ID (the outbox's own, so a mail client shows one email) and how
many another (a second email, which the outbox must never make).
"""

KINDS = ("reminder", "notification", "decision_letter", "chair_letter", "summary_copy")
COLUMNS = ("expected", "delivered", "lost", "duplicated", "same_id", "other_id")


def count(expected: dict[str, list[str]], deliveries: dict[str, list]) -> dict[str, dict]:
    """The figures of one run, per kind, from what the server accepted (address -> each
    message, in order, as Services.deliveries gives them)."""
    result = {}
    for kind, addresses in expected.items():
        ids = [[message["id"] for message in deliveries.get(a, [])] for a in addresses]
        again = [(got[0], later) for got in ids for later in got[1:]]
        result[kind] = {
            "expected": len(addresses),
            "delivered": sum(1 for got in ids if got),
            "lost": sum(1 for got in ids if not got),
            "duplicated": len(again),
            "same_id": sum(1 for first, later in again if first is not None and later == first),
            "other_id": sum(1 for first, later in again if first is None or later != first),
        }
    return result


def before_kills(deliveries: dict[str, list], kill_times: list[float]) -> list[float]:
    """For each address sent to twice: how long (ms) before a kill of the worker the server
    wrote down its first copy. A duplicate made by the outbox's one window (accepted,
    not yet marked sent) is a few milliseconds; one made otherwise would not be."""
    gaps = []
    for messages in deliveries.values():
        if len(messages) < 2:
            continue
        first = messages[0]["at"]
        after = [kill for kill in kill_times if kill >= first]
        gaps.append(round((min(after) - first) * 1000, 1) if after else None)
    return gaps


def total(runs: list[dict[str, dict[str, dict]]]) -> dict[str, dict[str, dict]]:
    """Every run's figures added up, per fault and kind."""
    summed: dict[str, dict[str, dict]] = {}
    for run in runs:
        for fault, kinds in run.items():
            for kind, row in kinds.items():
                into = summed.setdefault(fault, {}).setdefault(kind, dict.fromkeys(COLUMNS, 0))
                for column in COLUMNS:
                    into[column] += row.get(column, 0)
    return summed


def table(results: dict[str, dict[str, dict]]) -> str:
    lines = [
        f"{'fault':<7} {'kind':<16} {'expected':>8} {'delivered':>9} {'lost':>5} "
        f"{'duplicated':>10} {'same Message-ID':>15} {'other Message-ID':>16}"
    ]
    for fault, kinds in results.items():
        for kind, row in kinds.items():
            lines.append(
                f"{fault:<7} {kind:<16} {row['expected']:>8} {row['delivered']:>9} "
                f"{row['lost']:>5} {row['duplicated']:>10} {row['same_id']:>15} "
                f"{row['other_id']:>16}"
            )
    return "\n".join(lines)


def run_line(number: int, runs: int, fault: str, kinds: dict[str, dict], note: dict) -> str:
    """One run of one fault in a line (with --repeat)."""
    lost = sum(row["lost"] for row in kinds.values())
    duplicated = {kind: row["duplicated"] for kind, row in kinds.items() if row["duplicated"]}
    other = sum(row["other_id"] for row in kinds.values())
    return (
        f"  run {number}/{runs} {fault}: lost {lost}, duplicated "
        f"{sum(duplicated.values())} {duplicated or ''} (other Message-ID {other}); "
        f"kills {note.get('kills', 0)}, handed and not sent again {note.get('handed', 0)}, "
        f"settled in {note['settled_seconds']} s"
        + (
            f"; first copies written {note['duplicates_before_kill_ms']} ms before a kill"
            if note.get("duplicates_before_kill_ms")
            else ""
        )
    )
