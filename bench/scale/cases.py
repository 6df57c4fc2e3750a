"""The cases, their routes through the stages, their history (CaseEvent and the
referral behind each) and the people on them with their object permissions."""

from collections import Counter
from datetime import date, timedelta

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

from bench.scale.fiction import DWELL, INTO, REVIEWED, stage_counts
from bench.scale.rows import _at, _create, _insert, _model
from bench.scale.world import _Case
from scr.access import CASE_ROLE_PERMS
from scr.accounts.models import User
from scr.accounts.roles import AGENCY_CASE_ROLES, Role
from scr.cases.models import (
    Case,
    CaseAgency,
    CaseAssignment,
    CaseEvent,
    CaseSequence,
    CaseUserObjectPermission,
    StatusEvent,
)
from scr.cases.references import reference_for
from scr.cases.stages import MAIN_ROUTE, Stage
from scr.reviewtypes.services import review_type_for


class Cases:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def _route(self, stage: Stage) -> list[Stage]:
        if stage in MAIN_ROUTE:
            return list(MAIN_ROUTE[: MAIN_ROUTE.index(stage) + 1])
        via = Stage.PANEL_RECOMMENDED if self.rng.random() < 0.25 else Stage.WITH_CHAIR
        return [*MAIN_ROUTE[: MAIN_ROUTE.index(via) + 1], stage]

    def _dates(self, route: list[Stage]) -> dict[Stage, date]:
        """The day the case entered each stage of its route, ending today."""
        spans = [self.rng.randint(1, DWELL[route[-1]])]
        for stage in reversed(route[:-1]):
            spans.append(self.rng.randint(DWELL[stage] // 2 + 1, DWELL[stage] * 3 // 2))
        day = self.today - timedelta(days=sum(spans))
        entered = {}
        for stage, span in zip(route, reversed(spans), strict=True):
            entered[stage] = day
            day += timedelta(days=span)
        return entered

    def cases_create(self) -> None:
        per_board = [self.n_cases // self.n_boards] * self.n_boards
        for i in range(self.n_cases % self.n_boards):
            per_board[i] += 1
        specs = []
        # Every case of a board runs the board's default type: looked up once per board.
        review_types = {}
        for world, count in zip(self.worlds, per_board, strict=True):
            if count:
                review_types[world.board.pk] = review_type_for(world.board)
            stages = [s for s, n in stage_counts(count).items() for _ in range(n)]
            self.rng.shuffle(stages)
            for stage in stages:
                route = self._route(stage)
                specs.append((world, stage, self._dates(route)))
        # Numbered in order of referral, as the service allocates them.
        specs.sort(key=lambda spec: (spec[0].board.pk, spec[2][Stage.REFERRAL_RECEIVED]))
        numbers: Counter = Counter()
        cases = []
        for world, stage, entered in specs:
            created = entered[Stage.REFERRAL_RECEIVED]
            numbers[(world.board.pk, created.year)] += 1
            number = numbers[(world.board.pk, created.year)]
            last = max(entered.values())
            born = date(self.rng.randint(1930, 1985), self.rng.randint(1, 12), 1)
            obj = Case(
                board=world.board,
                year=created.year,
                number=number,
                reference=reference_for(world.board, created.year, number),
                subject_name=self._name(),
                subject_date_of_birth=born + timedelta(days=self.rng.randint(0, 27)),
                subject_date_of_death=created - timedelta(days=self.rng.randint(5, 60))
                if self.rng.random() < 0.7
                else None,
                created_at=_at(created, self.rng),
                stage_changed_at=_at(last, self.rng),
                review_type=review_types[world.board.pk],
            )
            # The stage is protected (transitions only): these rows record a walked route.
            obj.__dict__["stage"] = stage
            reviewed = stage in REVIEWED
            agencies = world.agencies[:3] + self.rng.sample(
                world.agencies[3:], 3 if reviewed else self.rng.randint(0, 3)
            )
            referring = self.rng.choice(agencies)
            cases.append(
                _Case(
                    obj=obj,
                    world=world,
                    stage=stage,
                    entered=entered,
                    agencies=agencies,
                    referrer=self.rng.choice(world.referrers[referring.pk]),
                    lead=world.leads[referring.pk],
                )
            )
        _create([c.obj for c in cases])
        CaseSequence.objects.bulk_create(
            [
                CaseSequence(board_id=board_id, year=year, last_number=n)
                for (board_id, year), n in numbers.items()
            ]
        )
        self.cases = cases
        self.counts["cases"] = len(cases)
        self._showcase()

    def _showcase(self) -> None:
        """The first board's records the benchmarks open (issue 9)."""
        first = self.worlds[0].board.pk
        for stage, name in (
            (Stage.IMRS_IN_PROGRESS, "draft"),
            (Stage.OVERVIEW_IN_PROGRESS, "overview"),
        ):
            found = next(
                (c for c in self.cases if c.obj.board_id == first and c.stage == stage), None
            )
            if found is not None:
                found.showcase = name

    def history(self) -> None:
        """CaseAgency, the referral and the route's CaseEvents of each case; who is on it
        (written with their object permissions by assign())."""
        links, referrals, events, assignments = [], [], [], []
        for case in self.cases:
            world, obj = case.world, case.obj
            links += [
                CaseAgency(case=obj, agency=a, added_at=obj.created_at) for a in case.agencies
            ]
            # referrals.services: the case opens when the lead endorses the referral, and
            # goes to the chair at once. A case still at 'referral received' was opened
            # directly (case_create), as the demo's is; beside it, a referral about someone
            # else waits for its agency's lead, with no case yet.
            if case.reached(Stage.WITH_CHAIR):
                referrals.append(
                    self._referral(case, case.referrer, obj, case.entered[Stage.WITH_CHAIR])
                )
            else:
                other = self.rng.choice(world.agencies)
                referrals.append(
                    self._referral(case, self.rng.choice(world.referrers[other.pk]), None, None)
                )
            people = {
                "lead": case.lead,
                "chair": world.chair,
                "coordinator": world.coordinator,
            }
            # Who put each person on the case: the lead who endorsed the referral (or the
            # coordinator who opened it), the chair who convened the panel, the agency's
            # lead who nominated its author and director (10).
            referred_by = case.lead if case.reached(Stage.WITH_CHAIR) else world.coordinator
            assignments.append((case, case.referrer, Role.REFERRER, obj.created_at, referred_by))
            if case.reached(Stage.PANEL_CONVENED):
                # Chaired by an agency that is not one of the required representatives (5).
                case.panel_chair = world.panel[self.rng.choice(world.agencies[3:]).pk]
                when = _at(case.entered[Stage.PANEL_CONVENED])
                assignments.append((case, case.panel_chair, Role.PANEL_CHAIR, when, world.chair))
                for agency in world.agencies[:3]:
                    member = world.panel[agency.pk]
                    assignments.append((case, member, Role.PANEL_MEMBER, when, world.coordinator))
                people["panel_chair"] = case.panel_chair
            if case.reached(Stage.REVIEW_COMMISSIONED):
                case.overview_author = self.rng.choice(world.overview_authors)
                when = _at(case.entered[Stage.REVIEW_COMMISSIONED])
                assignments.append(
                    (case, case.overview_author, Role.OVERVIEW_AUTHOR, when, world.coordinator)
                )
                people["overview_author"] = case.overview_author
            route = list(case.entered)
            for before, stage in zip(route, route[1:], strict=False):
                name, who = INTO[stage]
                note = ""
                if stage in (Stage.DECLINED, Stage.OTHER_REVIEW):
                    note = (
                        "The criteria in 3.1 are not met; the learning comes through a "
                        "single-agency review."
                    )
                events.append(
                    CaseEvent(
                        case=obj,
                        transition=name,
                        from_stage=before,
                        to_stage=stage,
                        actor=people[who],
                        at=_at(case.entered[stage], self.rng),
                        note=note,
                    )
                )
        _create(links)
        _create(referrals)
        Referral = _model("referrals.Referral")
        _create(
            [
                Referral.agencies.through(referral_id=r.pk, agency_id=a.pk)
                for r, case in zip(referrals, self.cases, strict=True)
                for a in case.agencies
            ]
        )
        # Their StatusEvents as referrals.services writes them: the submission before the
        # case opened (no case), the endorsement with the case it opened.
        subject_type = ContentType.objects.get_for_model(Referral)
        _create(
            [
                StatusEvent(
                    case=opened,
                    subject_type=subject_type,
                    subject_id=r.pk,
                    transition=name,
                    from_status=before,
                    to_status=after,
                    actor=by,
                    at=at,
                )
                for r in referrals
                for name, before, after, opened, by, at in (
                    ("submit", "draft", "submitted", None, r.referrer, r.submitted_at),
                    ("endorse", "submitted", "endorsed", r.case, r.decided_by, r.decided_at),
                )
                if by is not None
            ]
        )
        _create(events)
        self.assignments = assignments
        self.counts["case events"] = len(events)
        self.counts["referrals"] = len(referrals)

    def _referral(self, case: _Case, referrer: User, opened: Case | None, endorsed: date | None):
        """The referral of the case's adult: endorsed, with the case it opened, or still
        waiting for its agency's lead (no case yet)."""
        obj, world = case.obj, case.world
        return _model("referrals.Referral")(
            board=world.board,
            referrer=referrer,
            agency=referrer.agency,
            status="endorsed" if opened else "submitted",
            case=opened,
            # A waiting referral is about someone else: its case is not open yet.
            subject_name=obj.subject_name if opened else self._name(),
            subject_date_of_birth=obj.subject_date_of_birth,
            subject_died=obj.subject_date_of_death is not None,
            subject_date_of_death=obj.subject_date_of_death,
            subject_address=f"{self.rng.randint(1, 90)} Mill Lane, {world.place}",
            what_happened="The adult was found at home after a long period without contact; "
            "several agencies had been involved in the months before.",
            abuse_or_neglect=self.rng.choice(["known", "suspected"]),
            serious_harm=obj.subject_date_of_death is None,
            concern_working_together=True,
            lessons_for_interagency_working=self.rng.random() < 0.6,
            believes_3_1=obj.subject_date_of_death is not None,
            believes_3_2=True,
            created_at=obj.created_at - timedelta(days=2),
            updated_at=obj.created_at,
            submitted_at=obj.created_at,
            decided_by=world.leads[referrer.agency_id] if opened else None,
            decided_at=_at(endorsed) if opened else None,
        )

    def assign(self) -> None:
        """CaseAssignment rows and the object permissions case_assign grants with them."""
        rows, grants = [], set()
        for case, user, role, when, by in self.assignments:
            rows.append(
                CaseAssignment(
                    case=case.obj,
                    user=user,
                    role=role,
                    # case_assign: authors and directors act for their own agency.
                    agency=user.agency if role in AGENCY_CASE_ROLES else None,
                    assigned_at=when,
                    assigned_by=by,
                )
            )
            grants |= {(case.obj.pk, user.pk, codename) for codename in CASE_ROLE_PERMS[role]}
        _create(rows)
        content_type = ContentType.objects.get_for_model(Case)
        perms = dict(
            Permission.objects.filter(content_type=content_type).values_list("codename", "pk")
        )
        _insert(
            CaseUserObjectPermission,
            ["content_object", "user", "permission"],
            ((case, user, perms[codename]) for case, user, codename in sorted(grants)),
        )
        self.counts["case assignments"] = len(rows)
        self.counts["object permissions"] = len(grants)
