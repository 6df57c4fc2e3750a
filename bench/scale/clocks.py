"""The clocks: each stage's own, padding up to the number wanted, and their insert."""

from datetime import date, timedelta

from bench.scale.rows import _at, _create
from bench.scale.world import _Case
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline
from scr.deadlines.services import deadline_due
from scr.deadlines.steps import next_step_date


class Clocks:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def _clock(self, case: _Case, kind, start: date, *, due=None, met=None, owner=None,
               agency=None, subject="", cancelled=None) -> None:  # fmt: skip
        board = case.world.board
        due = due or deadline_due(board, kind, start)
        clock = Deadline(
            case=case.obj,
            kind=kind,
            agency=agency,
            subject=subject,
            owner=owner,
            start=start,
            due=due,
            original_due=due,
            created_at=_at(start),
        )
        if met is not None:
            clock.status, clock.met_on, clock.closed_at = Deadline.Status.MET, met, _at(met)
        elif cancelled is not None:
            clock.status, clock.closed_at = Deadline.Status.CANCELLED, _at(cancelled)
        else:
            # As a daily sweep leaves it: the next reminder step after yesterday.
            clock.next_reminder_on = next_step_date(
                due, board.reminder_days, self.today - timedelta(days=1)
            )
        self.deadlines.append(clock)

    def pad_clocks(self) -> None:
        """The procedure's own clocks come to far fewer than the 50,000 running clocks the
        sweep benchmark is sized for (issue 9). The rest are extra running clocks of the
        kind the case's stage runs (an agency's review, an action), marked by their
        subject 'scale-padding:<n>' so they can be told apart or removed."""
        live = sum(1 for d in self.deadlines if d.status == Deadline.Status.OPEN)
        wanted = self.open_clocks - live
        hosts = [
            (case, Deadline.Kind.IMR_REPORT, imr.obj.agency, imr.author)
            for case in self.cases
            if case.stage == Stage.IMRS_IN_PROGRESS
            for imr in case.imrs
        ] + [
            (case, Deadline.Kind.ACTION_TARGET, plan.agency, case.world.leads.get(plan.agency_id))
            for case in self.cases
            # Closing a case cancels its running clocks (actionplans.closure_services.case_close).
            if case.stage != Stage.CLOSED
            for plan in case.plans
            if plan.status == "accepted"
        ]
        if wanted <= 0 or not hosts:
            return
        self.rng.shuffle(hosts)
        for n in range(wanted):
            case, kind, agency, owner = hosts[n % len(hosts)]
            start = self.today - timedelta(days=self.rng.randint(0, 90))
            self._clock(
                case,
                kind,
                start,
                due=start + timedelta(days=self.rng.randint(7, 200)),
                owner=owner,
                agency=agency,
                subject=f"scale-padding:{n + 1}",
            )
        self.padding = wanted

    def clocks(self) -> None:
        _create(self.deadlines)
        self.counts["clocks"] = len(self.deadlines)
        self.counts["running clocks"] = sum(
            1 for d in self.deadlines if d.status == Deadline.Status.OPEN
        )
