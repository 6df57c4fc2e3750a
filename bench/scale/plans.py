"""Action plans and their monitoring (16), and the stored evidence files."""

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from bench.scale.fiction import ACTIONS, EVIDENCE_PDF, PLAN_STAGES, TEAMS
from bench.scale.rows import _at, _create, _model
from scr.cases.stages import Stage
from scr.deadlines.models import Deadline


class Plans:
    """Part of the seeder (bench.scale.seeder): see the module."""

    def plans(self) -> None:
        M = {
            n: _model(f"actionplans.{n}")
            for n in ("ChairLetter", "ActionPlan", "PlanAction", "ActionUpdate", "Evidence")
        }
        letters, letter_recs, plans = [], [], []
        for case in self.cases:
            if case.stage not in PLAN_STAGES:
                continue
            world = case.world
            # Letters go soon after the summary's approval; plans are decided before the
            # monitoring starts (16).
            limit = case.entered.get(Stage.MONITORING, self.today)
            sent = min(case.entered[Stage.ACTION_PLANS] + timedelta(days=3), limit)
            addressees: dict[int | None, list] = defaultdict(list)
            for rec, named in case.recommendations:
                for agency in named:
                    addressees[agency.pk].append(rec)
                if rec.for_board:
                    addressees[None].append(rec)
            agencies = {a.pk: a for a in case.agencies}
            case.plans = []
            for agency_id, recs in addressees.items():
                letter = M["ChairLetter"](
                    case=case.obj,
                    agency=agencies.get(agency_id),
                    body="The overview report names areas for improvement; please send the "
                    "board your action plan within four weeks.",
                    status="sent",
                    drafted_at=_at(sent - timedelta(days=2)),
                    updated_by=world.chair,
                    sent_by=world.chair,
                    sent_at=_at(sent),
                )
                letters.append(letter)
                letter_recs += [(letter, rec) for rec in recs]
                status = "accepted"
                if case.stage == Stage.ACTION_PLANS:
                    status = self.rng.choice(
                        ["drafting", "submitted", "returned", "accepted", "accepted"]
                    )
                writer = world.leads[agency_id] if agency_id else world.coordinator
                decided = min(sent + timedelta(days=self.rng.randint(14, 35)), limit)
                plan = M["ActionPlan"](
                    case=case.obj,
                    agency=agencies.get(agency_id),
                    letter=letter,
                    lead={
                        "name": writer.full_name,
                        "position": writer.job_title,
                        "phone": "01632 960 100",
                        "email": writer.email,
                        "address": f"{world.place} Civic Centre",
                    },
                    revision=3,
                    updated_by=writer,
                    updated_at=_at(sent + timedelta(days=10)),
                    submitted_by=writer if status != "drafting" else None,
                    submitted_at=_at(decided - timedelta(days=3)) if status != "drafting" else None,
                    decided_by=world.coordinator if status in ("returned", "accepted") else None,
                    decided_at=_at(decided) if status in ("returned", "accepted") else None,
                    comments="Make the dates specific." if status == "returned" else "",
                )
                plan.__dict__["status"] = status
                plan.recs, plan.writer, plan.decided = recs, writer, decided
                case.plans.append(plan)
                plans.append(plan)
                # 16: the agency's plan is due within the board's period from the letter.
                owner = world.leads[agency_id] if agency_id else None
                self._clock(
                    case,
                    Deadline.Kind.ACTION_PLAN,
                    sent,
                    met=decided if status == "accepted" else None,
                    owner=owner,
                    agency=agencies.get(agency_id),
                )
        _create(letters)
        _create(
            [
                M["ChairLetter"].recommendations.through(
                    chairletter_id=letter.pk, recommendation_id=rec.pk
                )
                for letter, rec in letter_recs
            ]
        )
        _create(plans)
        self._actions(M)
        self.counts["chair letters"] = len(letters)
        self.counts["action plans"] = len(plans)

    def _actions(self, M) -> None:
        slots = [
            (case, plan, rec) for case in self.cases for plan in case.plans for rec in plan.recs
        ]
        per_slot = [1] * len(slots)
        extra = max(0, self.n_actions - len(slots)) if slots else 0
        for i in self.rng.choices(range(len(slots)), k=extra):
            per_slot[i] += 1
        actions, meta = [], []
        for (case, plan, rec), count in zip(slots, per_slot, strict=True):
            for position in range(1, count + 1):
                target = plan.decided + timedelta(days=self.rng.randint(30, 330))
                progress = "not_started"
                accepted = plan.__dict__["status"] == "accepted"
                if case.stage == Stage.CLOSED:
                    progress = "complete"
                elif accepted:
                    r = self.rng.random()
                    share = 0.4 if case.stage == Stage.MONITORING else 0.1
                    progress = (
                        "complete" if r < share else "in_progress" if r < 0.75 else "not_started"
                    )
                completed = None
                if progress == "complete":
                    end = case.entered.get(Stage.CLOSED, self.today)
                    completed = max(min(target, end - timedelta(days=1)), plan.decided)
                action = M["PlanAction"](
                    plan=plan,
                    recommendation=rec,
                    position=position,
                    text=self.rng.choice(ACTIONS).format(team=self.rng.choice(TEAMS)),
                    evidence="The training register and an audit report.",
                    outcome="Practitioners escalate concerns within one working day.",
                    target_date=target,
                    progress=progress,
                    completed_at=_at(completed) if completed else None,
                    outcome_evaluated="An audit six months on found the change embedded."
                    if completed and (case.stage == Stage.CLOSED or self.rng.random() < 0.3)
                    else "",
                    updated_by=plan.writer,
                    updated_at=_at(plan.decided),
                )
                actions.append(action)
                meta.append((case, plan, completed))
        _create(actions)
        updates, evidence, files = [], [], []
        for action, (case, plan, completed) in zip(actions, meta, strict=True):
            if plan.__dict__["status"] != "accepted":
                continue
            self._clock(
                case,
                Deadline.Kind.ACTION_TARGET,
                min(plan.decided, action.target_date),
                due=action.target_date,
                met=completed,
                owner=case.world.leads.get(plan.agency_id),
                agency=plan.agency,
                subject=f"action:{action.pk}",
            )
            if action.progress == "not_started":
                continue
            when = plan.decided + timedelta(days=14)
            updates.append(
                M["ActionUpdate"](
                    action=action,
                    text="The first sessions have been delivered; the rest are booked.",
                    by=plan.writer,
                    at=_at(min(when, self.today)),
                )
            )
            if action.progress == "complete" or self.rng.random() < 0.5:
                # A stored name is unique (scr.uploads.StoredFile): the action's id tells
                # apart the same seed's names when a database is seeded twice (--force).
                name = f"{self.rng.randbytes(16).hex()}-{action.pk}.pdf"
                files.append(name)
                done = action.progress == "complete"
                evidence.append(
                    M["Evidence"](
                        action=action,
                        description="Attendance register of the training sessions.",
                        stored_name=name,
                        original_name="attendance-register.pdf",
                        content_type="application/pdf",
                        size=len(EVIDENCE_PDF),
                        uploaded_by=plan.writer,
                        uploaded_at=_at(min(when, self.today)),
                        status="accepted" if done else "waiting",
                        decided_by=case.world.coordinator if done else None,
                        decided_at=action.completed_at if done else None,
                    )
                )
        _create(updates)
        _create(evidence)
        self.files = files
        self.counts["actions"] = len(actions)
        self.counts["action updates"] = len(updates)
        self.counts["evidence"] = len(evidence)

    def evidence_files(self) -> None:
        """A tiny PDF per evidence row, where the download page looks for it: the private
        storage (STORAGES["private"]) where there is one, else PRIVATE_FILES_ROOT. The
        names come from the seed, so a file already there is the same file."""
        if "private" in settings.STORAGES:
            storage = storages["private"]
            for name in self.files:
                if not storage.exists(name):
                    storage.save(name, ContentFile(EVIDENCE_PDF))
            return
        root = Path(settings.PRIVATE_FILES_ROOT)
        root.mkdir(parents=True, exist_ok=True)
        for name in self.files:
            (root / name).write_bytes(EVIDENCE_PDF)
