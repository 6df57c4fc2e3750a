"""Boards, agencies and the people who work in the procedure."""

import itertools
import re
import string
import unicodedata
from functools import cached_property

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from scr.accounts.roles import ROLE_BY_GROUP_NAME, Role
from scr.dates import moment_text

# A line break or another control character in a name goes into file names, headers and
# letters (an agency's name with a line break made every export of it a 500).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def refuse_control_characters(obj, fields: tuple[str, ...]) -> None:
    """ValidationError naming each field whose text holds a line break, a tab or another
    control character (pasted from a document, or typed into the admin)."""
    errors = {
        name: "Remove the line break or other control character from this name"
        for name in fields
        if _CONTROL.search(getattr(obj, name) or "")
    }
    if errors:
        raise ValidationError(errors)


BOARD_CODE_LENGTH = 6


def board_code_from(name: str, taken: set[str] = frozenset()) -> str:
    """A board's code from its name's initials ('Northshire Safeguarding Adults Board' ->
    NSAB): letters A to Z only, 2 to 6 of them, not one in `taken` (a letter added or
    changed at the end until it is free)."""
    plain = unicodedata.normalize("NFKD", name)
    words = re.findall(r"[A-Za-z]+", "".join(c for c in plain if not unicodedata.combining(c)))
    code = "".join(word[0] for word in words).upper()[:BOARD_CODE_LENGTH]
    if len(code) < 2:
        code = ("".join(words).upper() + "BB")[:2]
    if code not in taken:
        return code
    stem = code[: BOARD_CODE_LENGTH - 1]
    for length in range(1, BOARD_CODE_LENGTH - 1):
        stem = stem[: BOARD_CODE_LENGTH - length]
        for tail in itertools.product(string.ascii_uppercase, repeat=length):
            candidate = stem + "".join(tail)
            if candidate not in taken:
                return candidate
    raise ValueError(f"No free board code for {name}")


class Board(models.Model):
    """A Safeguarding Adults Board, with the procedure settings it has agreed."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=20, help_text="Used in documents, for example CSAB.")
    # Case references start with it, so a reference names one case across every board of a
    # shared deployment (NSAB-SCR-2026-001). Set from the name's initials when left blank.
    code = models.CharField(
        max_length=BOARD_CODE_LENGTH,
        unique=True,
        blank=True,
        validators=[
            RegexValidator(
                rf"^[A-Z]{{2,{BOARD_CODE_LENGTH}}}$",
                f"Use 2 to {BOARD_CODE_LENGTH} capital letters A to Z, for example NSAB",
            )
        ],
        help_text="Starts every new case reference, for example NSAB-SCR-2026-007. Unique "
        "to the board; cases opened before a change keep their references. Left blank, it is "
        "made from the board's initials.",
    )
    reference_prefix = models.CharField(
        max_length=10,
        default="SCR",
        validators=[
            RegexValidator(r"^[A-Z]{2,10}$", "Use 2 to 10 capital letters, for example SCR")
        ],
        help_text="Case references read CODE-PREFIX-YEAR-NUMBER, for example NSAB-SCR-2026-007.",
    )
    # The coordinator's contact details close every letter and email (procedure, last page).
    coordinator_name = models.CharField(max_length=200, blank=True)
    coordinator_position = models.CharField(
        max_length=200, blank=True, default="Safeguarding Adults Coordinator"
    )
    coordinator_phone = models.CharField(max_length=40, blank=True)
    coordinator_email = models.EmailField(blank=True)
    coordinator_address = models.TextField(blank=True)
    # 7 a and 14 f name the Commission for Social Care Inspection; its successor is the
    # Care Quality Commission. The procedure's words are the default.
    regulator_name = models.CharField(
        max_length=200, default="Commission for Social Care Inspection"
    )
    regulator_short_name = models.CharField(max_length=20, default="CSCI")
    # The review type a new case takes unless it says otherwise (scr/reviewtypes).
    default_review_type = models.CharField(
        max_length=40,
        default="scr-2009",
        help_text="The code of the review type new cases take, for example scr-2009 or sar.",
    )
    regulator_email = models.EmailField(blank=True)
    # The procedure's clocks (6.1, 6.2, 10, 13.2, 16).
    panel_meeting_days = models.PositiveSmallIntegerField(
        default=7, help_text="6.1: the panel meets within this many days of the chair's request."
    )
    panel_recommendation_weeks = models.PositiveSmallIntegerField(
        default=4,
        help_text="6.2: recommendation and terms of reference within this many weeks.",
    )
    imrs_begin_weeks = models.PositiveSmallIntegerField(
        default=6, help_text="10: management reviews begin within this many weeks of the decision."
    )
    overview_months = models.PositiveSmallIntegerField(
        default=4, help_text="13.2: the overview report within this many months."
    )
    action_plan_weeks = models.PositiveSmallIntegerField(
        default=4, help_text="16: agencies respond with an action plan within this many weeks."
    )
    # Appendix C: a period without contact in a chronology must be explained.
    chronology_gap_months = models.PositiveSmallIntegerField(
        default=3,
        help_text="A chronology with no contact for longer than this many months needs an "
        "entry that explains the gap (Appendix C).",
    )
    working_days = models.BooleanField(
        default=False,
        help_text="Count clocks in working days (Monday to Friday, less England and Wales "
        "bank holidays) instead of calendar days, the procedure's default.",
    )
    reminder_offsets = models.CharField(
        max_length=50,
        default="7,2,0",
        validators=[
            RegexValidator(
                r"^\s*\d{1,2}(\s*,\s*\d{1,2})*\s*$",
                "Enter whole numbers of days separated by commas, for example 7,2,0",
            )
        ],
        help_text="Days before a due date on which the owner is reminded; 0 is the day itself.",
    )

    # Information governance: how long a closed case's content is kept.
    retention_years = models.PositiveSmallIntegerField(
        default=6,
        help_text="Years after closure after which a closed case's content is deleted "
        "(apply_retention). The audit trail of the deletion is kept.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.code:
            taken = set(Board.objects.exclude(pk=self.pk).values_list("code", flat=True))
            cases = apps.get_model("cases", "Case").objects.exclude(board_id=self.pk)
            self.code = board_code_from(self.name, taken)
            while cases.filter(reference__startswith=f"{self.code}-").exists():
                taken.add(self.code)
                self.code = board_code_from(self.name, taken)
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "code"}
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        names = ("name", "short_name", "coordinator_name", "regulator_name")
        refuse_control_characters(self, (*names, "regulator_short_name"))
        self._refuse_code_of_other_cases()

    def _refuse_code_of_other_cases(self) -> None:
        """A code another board's cases were numbered under stays theirs: taking it would
        give a new case a reference one of theirs has (a board changed its code)."""
        if not self.code:
            return
        cases = apps.get_model("cases", "Case").objects.exclude(board_id=self.pk)
        if cases.filter(reference__startswith=f"{self.code}-").exists():
            raise ValidationError(
                {"code": "Another board's case references start with this code: choose another"}
            )

    @property
    def reminder_days(self) -> list[int]:
        """The reminder offsets, largest first, without repeats."""
        return sorted({int(p) for p in self.reminder_offsets.split(",") if p.strip()}, reverse=True)


class Agency(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        NHS = "nhs", "NHS"
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult Social Care"
        OTHER = "other", "Other"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="agencies")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=Kind.choices, default=Kind.OTHER)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="agency_unique_name_per_board")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        refuse_control_characters(self, ("name",))


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address. Belongs to one board."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May sign in to the administration pages."
    )
    date_joined = models.DateTimeField(default=timezone.now)
    reminder_digest = models.BooleanField(
        "One daily digest instead of separate reminders",
        default=False,
        help_text="One email a day listing the deadlines you own that are due within 7 days "
        "or overdue, instead of an email for each reminder.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()
        refuse_control_characters(self, ("full_name", "job_title"))
        if self.agency_id and self.agency.board_id != self.board_id:
            raise ValidationError({"agency": "The agency must belong to the user's board."})

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def board_roles(self) -> frozenset[Role]:
        """The board-wide roles this user holds, from their groups (one query, then cached)."""
        if not self.is_active or not self.board_id:
            return frozenset()
        names = self.groups.values_list("name", flat=True)
        return frozenset(ROLE_BY_GROUP_NAME[n] for n in names if n in ROLE_BY_GROUP_NAME)

    def has_board_role(self, role: Role) -> bool:
        return role in self.board_roles


class UserSession(models.Model):
    """A signed-in session, so its owner can see where they are signed in and end it.
    The session's data stays in Django's session store; this row only names it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} {moment_text(self.created_at)}"
