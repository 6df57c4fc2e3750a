"""The management reviews (IMRs): their rows, sections and clocks."""

import math
from datetime import date, timedelta

from bench.scale.fiction import (
    BIG_DRAFT_ENTRIES,
    DWELL,
    FIRST_NAMES,
    IMR_STEPS,
    IMRS_PER_CASE,
    LAST_NAMES,
    OVERVIEW_ENTRIES,
    PDF_IMR_ENTRIES,
)
from bench.scale.rows import _at, _create, _model
from bench.scale.world import _Case, _Imr
from scr.accounts.models import Agency
from scr.accounts.roles import Role
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.deadlines.models import Deadline


class Reviews:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def _entry_count(self) -> int:
        """Most chronologies are short; a few run to 2,000 entries (about 1,000,000 in all
        at 5,000 cases)."""
        r = self.rng.random()
        if r < 0.85:
            n = self.rng.randint(50, 90)
        elif r < 0.97:
            n = int(math.exp(self.rng.uniform(math.log(90), math.log(400))))
        else:
            n = int(math.exp(self.rng.uniform(math.log(400), math.log(2000))))
        return self._scaled(n)

    def _scaled(self, n: int) -> int:
        return max(1, round(n * self.entries_scale))

    def _statuses(self, case: _Case) -> list[str]:
        if case.stage != Stage.IMRS_IN_PROGRESS:
            return ["accepted"] * IMRS_PER_CASE
        began = case.entered[Stage.IMRS_IN_PROGRESS]
        progress = (self.today - began).days / DWELL[Stage.IMRS_IN_PROGRESS]
        statuses = []
        for _ in range(IMRS_PER_CASE):
            step = round(progress * (len(IMR_STEPS) - 1) + self.rng.uniform(-2.5, 2.5))
            statuses.append(IMR_STEPS[min(max(step, 0), len(IMR_STEPS) - 1)])
        if case.showcase == "draft":
            statuses[0], statuses[1] = "chronology", "panel_review"
        return statuses

    def imrs(self) -> None:
        Imr = _model("imr.Imr")
        ImrSection = _model("imr.ImrSection")
        rows, sections = [], []
        for case in self.cases:
            if not case.reached(Stage.REVIEW_COMMISSIONED):
                continue
            # 10 and 13.2: both run from the decision to hold the review.
            commissioned = case.entered[Stage.REVIEW_COMMISSIONED]
            self._clock(
                case,
                Deadline.Kind.OVERVIEW_REPORT,
                commissioned,
                met=case.entered.get(Stage.WITH_BOARD),
                owner=case.overview_author,
            )
            if case.stage == Stage.REVIEW_COMMISSIONED:
                self._clock(case, Deadline.Kind.IMRS_BEGIN, commissioned)
                continue
            world, obj = case.world, case.obj
            began = case.entered[Stage.IMRS_IN_PROGRESS]
            end = case.entered.get(Stage.OVERVIEW_IN_PROGRESS, self.today)
            span = max((end - began).days, 8)
            for index, (agency, status) in enumerate(
                zip(case.agencies, self._statuses(case), strict=True)
            ):
                step = IMR_STEPS.index(status)
                nominated = step > 0
                entries = self._entry_count() if nominated else 0
                if case.showcase == "draft" and index < 2:
                    entries = self._scaled((BIG_DRAFT_ENTRIES, PDF_IMR_ENTRIES)[index])
                if case.showcase == "overview":
                    entries = self._scaled(OVERVIEW_ENTRIES) // IMRS_PER_CASE + (
                        index < self._scaled(OVERVIEW_ENTRIES) % IMRS_PER_CASE
                    )
                    entries = max(entries, 1)

                def on(fraction: float, _began=began, _span=span) -> date:
                    return _began + timedelta(days=max(1, int(_span * fraction)))

                imr = _Imr(
                    obj=None,
                    status=status,
                    entries=entries,
                    author=self.rng.choice(world.authors[agency.pk]) if nominated else None,
                    director=world.directors[agency.pk] if nominated else None,
                    started=on(0.1) if nominated else None,
                    chronology_at=on(0.35) if step >= 2 else None,
                    report_at=on(0.7) if step >= 4 else None,
                    decided_at=on(0.85) if step >= 6 else None,
                )
                lead = world.leads[agency.pk]
                imr.obj = Imr(
                    case=obj,
                    agency=agency,
                    invited_by=world.coordinator,
                    invited_at=_at(began),
                    author=imr.author,
                    author_designation="Safeguarding Practice Lead" if nominated else "",
                    author_suitability="Leads the agency's safeguarding practice; no "
                    "operational involvement in this case."
                    if nominated
                    else "",
                    author_independent=nominated,
                    director=imr.director,
                    director_designation="Director" if nominated else "",
                    nominated_by=lead if nominated else None,
                    nominated_at=_at(imr.started - timedelta(days=3)) if nominated else None,
                    started_at=_at(imr.started) if nominated else None,
                    appraisal="not_needed" if nominated else "",
                    appraisal_by=imr.author,
                    appraisal_at=_at(imr.started) if nominated else None,
                )
                imr.obj.__dict__["status"] = status
                case.imrs.append(imr)
                rows.append(imr.obj)
                if nominated:
                    when = _at(imr.started - timedelta(days=3))
                    for user, role in (
                        (imr.author, Role.IMR_AUTHOR),
                        (imr.director, Role.COUNTERSIGNING_DIRECTOR),
                    ):
                        self.assignments.append((case, user, role, when, lead))
                self._imr_clocks(case, imr, agency, began)
            # 10: met once every agency's review has begun.
            started = [i.started for i in case.imrs]
            self._clock(
                case,
                Deadline.Kind.IMRS_BEGIN,
                commissioned,
                met=max(started) if all(started) else None,
            )
        _create(rows)
        for case in self.cases:
            for imr in case.imrs:
                if imr.author is not None:
                    sections.append(
                        ImrSection(
                            imr=imr.obj,
                            key="family",
                            data=self._family(case),
                            revision=1,
                            updated_by=imr.author,
                            updated_at=_at(imr.started),
                        )
                    )
        _create(sections)
        self.counts["IMRs"] = len(rows)

    def _imr_clocks(self, case: _Case, imr: _Imr, agency: Agency, began: date) -> None:
        """Appendix C's two submission dates; a panel's return opens a third (the revised
        report). Owned by the author once nominated."""
        chronology_due = calendar.add_weeks(began, 8)
        report_due = calendar.add_weeks(began, 16)
        signed_chronology = (
            imr.chronology_at + timedelta(days=2)
            if imr.status not in ("chronology_sign_off",) and imr.chronology_at
            else None
        )
        self._clock(
            case,
            Deadline.Kind.IMR_CHRONOLOGY,
            began,
            due=chronology_due,
            met=signed_chronology,
            owner=imr.author,
            agency=agency,
        )
        signed_report = (
            imr.report_at + timedelta(days=2)
            if imr.report_at and imr.status != ("report_sign_off")
            else None
        )
        self._clock(
            case,
            Deadline.Kind.IMR_REPORT,
            began,
            due=report_due,
            met=signed_report,
            owner=imr.author,
            agency=agency,
        )
        if imr.status == "revision":
            # The panel's return opens a clock for the revised report (imr_panel_review).
            self._clock(
                case,
                Deadline.Kind.IMR_REPORT,
                imr.decided_at,
                due=imr.decided_at + timedelta(days=42),
                owner=imr.author,
                agency=agency,
            )

    def _family(self, case: _Case) -> dict:
        obj = case.obj
        relative = self.rng.choice(LAST_NAMES)
        return {
            "subject": {
                "name": obj.subject_name,
                "dob": obj.subject_date_of_birth.isoformat() if obj.subject_date_of_birth else "",
                "dod": obj.subject_date_of_death.isoformat() if obj.subject_date_of_death else "",
                "address": f"Flat {self.rng.randint(1, 20)}, Quarry Court, {case.world.place}",
                "ethnicity": "White British",
            },
            "people": [
                {
                    "id": "p1",
                    "name": f"{self.rng.choice(FIRST_NAMES)} {relative}",
                    "relationship": "child",
                    "relationship_detail": "",
                    "dob": "",
                    "dod": "",
                    "address": "",
                    "ethnicity": "",
                }
            ],
            "other_addresses": "",
        }
