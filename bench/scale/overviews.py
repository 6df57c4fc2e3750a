"""The overview report, the receipt and the executive summary (13, 14, 15)."""

from datetime import date, timedelta

from bench.scale.fiction import OVERVIEW_STAGES
from bench.scale.rows import _at, _create, _model
from bench.scale.world import _Case
from scr.cases.stages import Stage


class Overviews:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def overviews(self) -> None:
        M = {
            n: _model(f"overview.{n}")
            for n in (
                "Overview",
                "OverviewSection",
                "FamilyMember",
                "Finding",
                "Recommendation",
                "ReceiptItem",
                "ContributorResponse",
                "ExecutiveSummary",
            )
        }
        overviews, sections, members, findings, recs, rec_agencies = [], [], [], [], [], []
        receipts, responses, summaries = [], [], []
        for case in self.cases:
            if case.stage not in OVERVIEW_STAGES:
                continue
            obj, author = case.obj, case.overview_author
            began = case.entered[Stage.OVERVIEW_IN_PROGRESS]
            submitted = case.entered.get(Stage.WITH_BOARD)
            received = case.entered.get(Stage.EXECUTIVE_SUMMARY)
            overview = M["Overview"](
                case=obj,
                started_by=case.world.coordinator,
                started_at=_at(began),
                submitted_by=author if submitted else None,
                submitted_at=_at(submitted) if submitted else None,
                received_at=_at(received) if received else None,
            )
            overview.__dict__["status"] = (
                "received" if received else "with_board" if submitted else "drafting"
            )
            case.overview = overview
            overviews.append(overview)
            member = M["FamilyMember"](
                overview=overview,
                is_subject=True,
                name=obj.subject_name,
                date_of_birth=obj.subject_date_of_birth,
                date_of_death=obj.subject_date_of_death,
            )
            overview.subject_member = member
            members.append(member)
            keys = ["contributors", "sources"]
            if submitted:
                keys += ["introduction", "facts", "known", "analysis"]
            sections += [
                M["OverviewSection"](
                    overview=overview,
                    key=key,
                    text=f"{key.title()}: the reviews of {len(case.imrs)} agencies.",
                    revision=1,
                    updated_by=author,
                    updated_at=_at(began),
                )
                for key in keys
            ]
            written = submitted or self.rng.random() < 0.5
            count = self.rng.randint(3, 6) if written else 0
            findings += [
                M["Finding"](
                    overview=overview,
                    number=n,
                    text=f"Finding {n}: information held by one agency did not reach the others.",
                    term_numbers=[min(n, case.terms or 1)],
                    updated_by=author,
                    updated_at=_at(began),
                )
                for n in range(1, count + 1)
            ]
            case.recommendations = []
            for n in range(1, count + 1):
                rec = M["Recommendation"](
                    overview=overview,
                    number=n,
                    text=f"Recommendation {n}: agencies should agree how concerns are escalated.",
                    for_board=n == 1 or self.rng.random() < 0.15,
                    term_numbers=[min(n, case.terms or 1)],
                    updated_by=author,
                    updated_at=_at(began),
                )
                named = self.rng.sample(case.agencies, self.rng.randint(1, 3))
                case.recommendations.append((rec, named))
                recs.append(rec)
            if received:
                by = case.world.coordinator
                receipts += [
                    M["ReceiptItem"](
                        overview=overview, key=key, note="Done.", done_by=by, done_at=_at(received)
                    )
                    for key in (
                        "contributors",
                        "action_plan",
                        "availability",
                        "dissemination",
                        "feedback",
                        "regulator",
                    )
                ]
                responses += [
                    M["ContributorResponse"](
                        overview=overview,
                        agency=agency,
                        answer="agreed",
                        recorded_by=by,
                        recorded_at=_at(received),
                    )
                    for agency in case.agencies
                ]
                summaries.append(self._summary(M["ExecutiveSummary"], case, received))
        _create(overviews)
        _create(sections)
        _create(members)
        _create(findings)
        _create(recs)
        for case in self.cases:
            for rec, named in getattr(case, "recommendations", ()):
                rec_agencies += [
                    M["Recommendation"].agencies.through(recommendation_id=rec.pk, agency_id=a.pk)
                    for a in named
                ]
        _create(rec_agencies)
        _create(receipts)
        _create(responses)
        _create(summaries)
        self.counts["overviews"] = len(overviews)
        self.counts["recommendations"] = len(recs)

    def _summary(self, ExecutiveSummary, case: _Case, received: date):
        approved = case.entered.get(Stage.ACTION_PLANS)
        summary = ExecutiveSummary(
            case=case.obj,
            process="The board commissioned a Serious Case Review; six agencies contributed.",
            key_issues="Information was not shared when concerns were raised.",
            recommendations="Agencies should agree how concerns are escalated.",
            revision=2,
            updated_by=case.overview_author,
            updated_at=_at(received + timedelta(days=7)),
        )
        status = "drafting"
        if approved:
            release = approved + timedelta(days=28)
            status = "released" if release <= self.today else "approved"
            summary.sent_to_panel_at = _at(approved - timedelta(days=14))
            summary.panel_agreed_by = case.panel_chair
            summary.panel_agreed_at = _at(approved - timedelta(days=7))
            summary.approved_by = case.world.chair
            summary.approved_at = _at(approved)
            summary.release_date = release
            summary.released_at = _at(release) if status == "released" else None
        summary.__dict__["status"] = status
        return summary
