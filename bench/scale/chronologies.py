"""The chronologies: the draft rows, the frozen versions, the merged chronology."""

import random
from collections import Counter
from datetime import time, timedelta

from bench.scale.fiction import EXPECTED, HAPPENINGS, IMR_STEPS, OUTCOMES, SOURCES, TERMS, WORKERS
from bench.scale.rows import _at, _create, _insert, _model
from bench.scale.world import _Case, _Imr
from scr.cases.stages import Stage
from scr.names import initials


class Chronologies:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def _chronology(self, case: _Case, imr: _Imr, key: int) -> list[tuple]:
        """(date, time, source, subject, event, expected practice, terms) in the order the
        chronology page shows them. Its own generator, so the rows do not depend on the
        order the IMRs are written in."""
        rng = random.Random(f"{self.seed}:{key}")  # noqa: S311 - as self.rng
        start, end = case.period or (
            case.entered[Stage.REFERRAL_RECEIVED] - timedelta(days=800),
            case.entered[Stage.REFERRAL_RECEIVED],
        )
        days = max((end - start).days, 1)
        who = initials(case.obj.subject_name)
        rows = []
        for _ in range(imr.entries):
            day = start + timedelta(days=rng.randrange(days))
            at = (
                time(rng.randint(8, 19), rng.choice((0, 15, 30, 45)))
                if rng.random() < 0.2
                else None
            )
            worker = rng.choice(WORKERS)
            event = f"{worker} {rng.choice(HAPPENINGS).format(s=who)}. {rng.choice(OUTCOMES)}"
            terms = sorted(rng.sample(range(1, case.terms + 1), rng.randint(0, min(2, case.terms))))
            rows.append((day, at, rng.choice(SOURCES), who, event, rng.choice(EXPECTED), terms))
        rows.sort(key=lambda r: (r[0], r[1] is not None, r[1] or time(0)))
        return rows

    @staticmethod
    def _entry_dict(row: tuple) -> dict:
        day, at, source, subject, event, expected, terms = row
        return {
            "date": day.strftime("%d/%m/%y"),
            "sort_date": day.isoformat(),
            "time": at.strftime("%H:%M") if at else "",
            "source": source,
            "subject": subject,
            "event": event,
            "expected_practice": expected,
            "terms": terms,
            "relevance_note": "",
            "explains_gap": False,
        }

    def _content(self, case: _Case, imr: _Imr, part: str, rows: list[tuple]) -> dict:
        obj = case.obj
        content = {
            "part": part,
            "case": {
                "reference": obj.reference,
                "subject_initials": initials(obj.subject_name),
                "subject_dob": obj.subject_date_of_birth.isoformat()
                if obj.subject_date_of_birth
                else "",
            },
            "agency": imr.obj.agency.name,
            "author": {
                "name": imr.author.full_name,
                "designation": imr.obj.author_designation,
                "suitability": imr.obj.author_suitability,
                "independent": True,
            },
            "director": {"name": imr.director.full_name, "designation": "Director"},
            "terms": [{"number": n, "text": TERMS[n - 1]} for n in range(1, case.terms + 1)],
            "terms_final": True,
            "period": [d.isoformat() for d in case.period] if case.period else ["", ""],
            "family": self._family(case),
            "chronology": [self._entry_dict(row) for row in rows],
            "glossary": [
                {"code": code, "meaning": "A worker of the agency", "kind": "worker"}
                for code in WORKERS[:4]
            ],
        }
        if part == "report":
            content["introduction"] = {"sources": ["social_work_records", "gp_notes"]}
            content["analysis"] = {}
            content["lessons"] = {}
            content["action_plan"] = {}
        return content

    def _submissions(self, case: _Case, imr: _Imr, rows: list[tuple]) -> list:
        """The versions the IMR's status implies: the chronology (version 1) once sent to
        the director, the full report (version 2) once sent again."""
        ImrSubmission = _model("imr.ImrSubmission")
        step = IMR_STEPS.index(imr.status)
        made = []
        if step >= 2:
            signed = step >= 3
            made.append(
                ImrSubmission(
                    imr=imr.obj,
                    number=1,
                    part="chronology",
                    content=self._content(case, imr, "chronology", rows),
                    submitted_by=imr.author,
                    submitted_at=_at(imr.chronology_at),
                    status="countersigned" if signed else "with_director",
                    countersigned_by=imr.director if signed else None,
                    countersigned_at=_at(imr.chronology_at + timedelta(days=2)) if signed else None,
                )
            )
        if step >= 4:
            signed = step >= 5
            status = {5: "countersigned", 6: "returned_by_panel", 7: "accepted"}.get(
                step, "with_director"
            )
            made.append(
                ImrSubmission(
                    imr=imr.obj,
                    number=2,
                    part="report",
                    content=self._content(case, imr, "report", rows),
                    submitted_by=imr.author,
                    submitted_at=_at(imr.report_at),
                    status=status,
                    countersigned_by=imr.director if signed else None,
                    countersigned_at=_at(imr.report_at + timedelta(days=2)) if signed else None,
                    panel_decided_by=case.panel_chair if step >= 6 else None,
                    panel_decided_at=_at(imr.decided_at) if step >= 6 else None,
                    panel_comments="The analysis needs to address term 2 in more depth."
                    if step == 6
                    else "",
                )
            )
        return made

    def chronologies(self) -> None:
        """Per batch of IMRs: the versions (which need their ids), then the draft rows and
        the merged chronology's copies, streamed."""
        ChronologyEntry = _model("imr.ChronologyEntry")
        OverviewEntry = _model("overview.OverviewEntry")
        FamilyReport = _model("overview.FamilyReport")
        work = [
            (case, imr, key)
            for key, (case, imr) in enumerate(
                (case, imr) for case in self.cases for imr in case.imrs
            )
            if imr.entries
        ]
        entry_names = [
            "imr", "date", "date_precision", "date_uncertain", "time", "position", "source",
            "subject", "event", "expected_practice", "term_numbers", "relevance_note",
            "explains_gap", "revision", "updated_by", "updated_at",
        ]  # fmt: skip
        merged_names = [
            "overview", "agency", "submission", "source_index", "date", "date_precision",
            "date_uncertain", "time", "source", "subject", "event", "expected_practice",
            "term_numbers", "explains_gap",
        ]  # fmt: skip
        budget = 20_000  # entries held in memory at once
        start = 0
        while start < len(work):
            batch, held = [], 0
            while start < len(work) and (not batch or held < budget):
                batch.append(work[start])
                held += work[start][1].entries
                start += 1
            drafts, merged, versions, reports = [], [], [], []
            for case, imr, key in batch:
                rows = self._chronology(case, imr, key)
                made = self._submissions(case, imr, rows)
                versions += made
                updated = _at(imr.started + timedelta(days=7))
                position: Counter = Counter()
                for row in rows:
                    day, at, source, subject, event, expected, terms = row
                    position[day] += 1
                    drafts.append(
                        (imr.obj.pk, day, "day", False, at, position[day], source, subject,
                         event, expected, terms, "", False, 1, imr.author.pk, updated)
                    )  # fmt: skip
                overview = getattr(case, "overview", None)
                if overview is not None and made:
                    merged.append((overview, imr, made[-1], rows))
            _create(versions)
            self.counts["IMR versions"] += len(versions)
            self.counts["chronology entries"] += _insert(ChronologyEntry, entry_names, drafts)
            for overview, imr, version, _rows in merged:
                reports.append(
                    FamilyReport(
                        member=overview.subject_member,
                        agency=imr.obj.agency,
                        submission=version,
                        data=version.content["family"]["subject"],
                    )
                )
            _create(reports)
            self.counts["overview entries"] += _insert(
                OverviewEntry,
                merged_names,
                (
                    (overview.pk, imr.obj.agency_id, version.pk, index, day, "day", False, at,
                     source, subject, event, expected, terms, False)
                    for overview, imr, version, rows in merged
                    for index, (day, at, source, subject, event, expected, terms) in enumerate(
                        rows
                    )
                ),
            )  # fmt: skip
            self.log(f"  chronologies: {start:,} of {len(work):,} reviews written")
