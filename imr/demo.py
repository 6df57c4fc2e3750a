"""The IMR stage in the demo (fictional people and events only).

The seed brings the Winifred Ollerenshaw case to 'IMRs in progress' with no reviews. Here
the coordinator asks eight agencies for their management reviews, and each review is
taken, through the services and by the person whose step it is, to one step of its
course: waiting for nomination, the chronology being written, with the director, the
full report being written, with the director, with the panel, returned by the panel for
revision, and accepted. The case the seed leaves at 'review commissioned' (Desmond
Arkwright-Bell) keeps no reviews, so that a coordinator can try commissioning.

The agencies the core's demo lacks, and a lead, an author and a countersigning director
for every agency, are created here. Running it twice changes nothing: once the case has
reviews it is left alone.
"""

from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

from django.db import transaction

from imr import drafting, services
from imr.entry_parsing import FuzzyDate, Precision
from imr.models import ChronologyEntry, GlossaryEntry, Imr, Part, Section
from imr.template import ANALYSIS_PROMPTS, LESSON_PROMPTS
from panel.models import TermsOfReference
from referrals.models import Referral
from scr.accounts.models import Agency, User
from scr.accounts.roles import Role
from scr.accounts.services import role_grant
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.demo.seed import DemoWorld, register

SUBJECT = "Winifred Ollerenshaw"
ADDRESS = "Flat 2, 14 Quarry Lane, Northtown NS4 7QQ"  # as in the demo referral

# Key agencies the core's demo board does not have (it has police, nhs, asc, housing).
NEW_AGENCIES = [
    ("homecare", "Brightwater Home Care Ltd", Agency.Kind.OTHER),
    ("icb", "Northshire Integrated Care Board (GP practices)", Agency.Kind.NHS),
    ("ambulance", "Northshire Ambulance Service NHS Trust", Agency.Kind.NHS),
    ("fire", "Northshire Fire and Rescue Service", Agency.Kind.OTHER),
]

WORKER = GlossaryEntry.Kind.WORKER
ABBREVIATION = GlossaryEntry.Kind.ABBREVIATION
ASC = (ABBREVIATION, "ASC", "Adult Social Care, the county council", "")
GP = (ABBREVIATION, "GP", "General practitioner", "")
ED = (ABBREVIATION, "ED", "Emergency department", "")

# The terms of reference the panel's demo gives the case: 1 information sharing about
# care needs and the risk of neglect, 2 the adult's wishes and feelings, 3 escalation.


@dataclass(frozen=True)
class Entry:
    """A chronology entry, dated by days before the adult's death."""

    before: int
    source: str
    subject: str
    event: str
    expected: str = ""
    terms: tuple[int, ...] = (1,)
    relevance: str = ""
    at: time | None = None
    explains_gap: bool = False


@dataclass(frozen=True)
class Report:
    """Sections 1, 4, 5 and 6. An action is (action, evidence, outcome, weeks from today)."""

    sources: list[str]
    other_sources: str
    analysis: dict[str, tuple[str, tuple[int, ...]]]
    lessons: dict[str, str] = field(default_factory=dict)
    recommendations: list[tuple[str, list[tuple[str, str, str, int]]]] = field(default_factory=list)


@dataclass(frozen=True)
class Review:
    agency: str
    step: Imr.Status  # how far the review has come
    # A role of the core's demo people, or (email, name, job title) of a person made here.
    lead: Role | tuple[str, str, str]
    author: Role | tuple[str, str, str] | None = None
    director: Role | tuple[str, str, str] | None = None
    author_suitability: str = ""
    entries: list[Entry] = field(default_factory=list)
    glossary: list[tuple[str, str, str, str]] = field(default_factory=list)
    appraisal: str | None = None  # None: not yet recorded; "": no changes needed now
    report: Report | None = None
    # The director returned the chronology once: (comments, the entry's day, its new
    # expected practice).
    director_return: tuple[str, int, str] | None = None
    panel_return: str = ""
    # What the author added to section 4 after the panel's return, by prompt.
    revised: dict[str, str] = field(default_factory=dict)
    panel_accept: str = ""
    concern: str = ""


FIRE = Review(
    agency="fire",
    step=Imr.Status.CHRONOLOGY,
    lead=("fire.lead@example.org", "Gordon Tallentire", "Area Manager, Prevention"),
    author=(
        "fire.author@example.org",
        "Hannah Wexcombe",
        "Station Manager, Prevention and Safeguarding",
    ),
    director=("fire.director@example.org", "Fraser Quarrington", "Assistant Chief Fire Officer"),
    author_suitability="Leads the service's safeguarding referrals and its part in case "
    "reviews; works at a station that does not cover the adult's address.",
    entries=[
        Entry(
            152,
            "Prevention referral log",
            "WO",
            "Referral received from ASC for a home fire safety visit: WO lived alone, smoked "
            "and used an electric blanket.",
            "Visit within 28 days of a referral rated high risk (met).",
        ),
        Entry(
            141,
            "Home visit record",
            "WO",
            "FF1 and FF2 carried out a home fire safety visit. Two smoke alarms fitted. There "
            "were cigarette burns on the bedding and the armchair; fire-retardant bedding was "
            "offered and accepted. WO said carers came four times a day and her son visited "
            "monthly.",
            "Burns on bedding are a reason to tell the referrer the same day; FF1 did not "
            "tell ASC (not met).",
            (1, 3),
            "Information about a risk was not shared with the referrer.",
            time(10, 30),
        ),
        Entry(
            100,
            "Prevention referral log",
            "WO",
            "No contact after the visit: the service does not revisit after a completed "
            "visit unless a new referral is made, and none was made before WO's admission.",
            explains_gap=True,
        ),
    ],
    glossary=[
        (WORKER, "FF1", "Firefighter, crew manager", "Ruaridh Pennock"),
        (WORKER, "FF2", "Firefighter", "Tegan Ashcombe"),
        ASC,
    ],
)

AMBULANCE = Review(
    agency="ambulance",
    step=Imr.Status.CHRONOLOGY_SIGN_OFF,
    lead=("ambulance.lead@example.org", "Siobhan Letherby", "Head of Safeguarding"),
    author=("ambulance.author@example.org", "Dominic Harrowgate", "Safeguarding Practitioner"),
    director=(
        "ambulance.director@example.org",
        "Esther Blackwood-Nye",
        "Director of Quality and Nursing",
    ),
    author_suitability="A paramedic for twelve years, now in the safeguarding team, where "
    "he reviews crews' safeguarding referrals; he did not work in the adult's area during "
    "the period.",
    entries=[
        Entry(
            95,
            "Dispatch log; patient care record",
            "WO",
            "999 call from a carer: WO found on the bedroom floor, unable to get up. PM1 and "
            "EMT1 attended. No injury found and observations normal. WO declined to go to "
            "hospital and was assessed as able to make that decision. Referral made to the "
            "community falls team.",
            "Falls pathway followed and the referral made the same day (met).",
            (1, 2),
            "WO's wish to stay at home was heard and recorded.",
            time(14, 20),
        ),
        Entry(
            11,
            "Dispatch log",
            "WO",
            "999 call from a carer: WO found on the floor, cold and confused, thought to have "
            "been there overnight. The call was graded category 3.",
            "Response within 2 hours for category 3 (met: 68 minutes).",
            at=time(7, 41),
        ),
        Entry(
            11,
            "Patient care record",
            "WO",
            "PM2 and PM3 attended. WO's clothes were wet; there was pressure damage to the "
            "sacrum and both heels and bruising of different ages on both forearms. Conveyed "
            "to the ED. PM2 raised a safeguarding concern with ASC and told the police by "
            "phone.",
            "A safeguarding concern raised before the end of the shift (met): good practice.",
            (1, 3),
            "Prompt escalation of suspected neglect.",
            time(8, 49),
        ),
    ],
    glossary=[
        (WORKER, "PM1", "Paramedic", "Lowri Castellan"),
        (WORKER, "EMT1", "Emergency medical technician", "Oisin Farrant"),
        (WORKER, "PM2", "Paramedic", "Jasmine Thornbury"),
        (WORKER, "PM3", "Student paramedic", "Ellis Brackenridge"),
        ASC,
        ED,
    ],
    appraisal="",
)

HOUSING = Review(
    agency="housing",
    step=Imr.Status.REPORT,
    lead=("housing.lead@example.org", "Mervyn Stockdale", "Head of Tenancy Services"),
    author=("housing.author@example.org", "Rosalind Achterberg", "Tenancy Sustainment Manager"),
    director=("housing.director@example.org", "Kwame Fairhurst", "Director of Housing Services"),
    author_suitability="Manages the partnership's tenancy sustainment service across the "
    "county and chairs its safeguarding group; had no contact with the adult or her "
    "housing officer's team during the period.",
    entries=[
        Entry(
            160,
            "Housing management system; tenancy visit form",
            "WO",
            "Annual tenancy visit by HO1. The flat was clean and in good repair. WO said she "
            "managed with help from carers and a neighbour, and that her son visited monthly.",
            "Annual visit completed on time (met).",
            (2,),
        ),
        Entry(
            100,
            "Rent account",
            "WO",
            "Arrears letter sent by post: two rent payments missed after the direct debit failed.",
            "The arrears procedure asks officers to phone tenants over 75 before a letter is "
            "sent (not met).",
        ),
        Entry(
            80,
            "Housing management system; call notes",
            "WO",
            "HO1 phoned WO about the arrears. WO was unsure which bank she used and thought "
            "she had paid. HO1 referred her to the money advice team.",
            "Referral to money advice (met).",
            (1, 3),
            at=time(11, 15),
        ),
        Entry(
            72,
            "Money advice case notes",
            "WO, KO",
            "MA1 visited WO with KO. The direct debit was set up again and a payment plan "
            "agreed. MA1 noted that WO was in her nightclothes at midday and the flat was "
            "cold.",
            "The money advice service has no written procedure for concerns seen during a "
            "visit (absent).",
            (1, 3),
        ),
        Entry(
            30,
            "Repairs job record; interview with RO1",
            "WO",
            "RO1 attended to repair a leaking tap. WO was in bed at midday; there was a "
            "strong smell of urine and no food in the kitchen. RO1 told HO1 by phone on "
            "returning to the depot. HO1 did not follow this up.",
            "Operatives report welfare concerns to the officer, who decides within one "
            "working day whether to raise a safeguarding concern (not met).",
            (1, 3),
            "A concern about neglect was seen but not escalated.",
            time(12, 20),
        ),
    ],
    glossary=[
        (WORKER, "HO1", "Housing officer", "Bernadette Fallowfield"),
        (WORKER, "MA1", "Money advice worker", "Sunil Varcoe"),
        (WORKER, "RO1", "Repairs operative", "Declan Moorcroft"),
        ASC,
        GP,
    ],
    director_return=(
        "The entry of the arrears call: say what the expected practice is when a tenant "
        "seems confused during a call, and whether it was followed.",
        80,
        "Referral to money advice (met). A tenant who seems confused during a call should "
        "be asked for consent to tell ASC or the GP; HO1 did not consider this (not met).",
    ),
    appraisal="",
    # The full report is being written: section 1 and the first answers of section 4.
    report=Report(
        sources=["staff_interviews", "supervision_notes"],
        other_sources="Housing management system, rent account and repairs records; "
        "interviews with the housing officer and the repairs operative.",
        analysis={
            "summary": (
                "The partnership had five contacts with WO in her last six months: an annual "
                "visit, an arrears letter and call, a money advice visit and a repair. Three "
                "of them showed that she was struggling, and none led to a concern being "
                "raised.",
                (1, 3),
            ),
            "policy": (
                "The safeguarding policy and the arrears procedure were in place. The "
                "arrears procedure was not followed, and the money advice service had no "
                "procedure for concerns seen on a visit.",
                (3,),
            ),
        },
    ),
)

POLICE = Review(
    agency="police",
    step=Imr.Status.REPORT_SIGN_OFF,
    lead=(
        "police.lead@example.org",
        "Bronwen Castellane",
        "Detective Superintendent, Public Protection",
    ),
    author=(
        "police.author@example.org",
        "Callum Deverill",
        "Detective Inspector, Major Crime Review Team",
    ),
    director=("police.director@example.org", "Judith Ormerod-Vance", "Assistant Chief Constable"),
    author_suitability="Reviews the force's contact with adults at risk for case reviews "
    "and has written four IMRs; works at headquarters and had no contact with the adult "
    "or the officers involved.",
    entries=[
        Entry(
            75,
            "Command and control log; body-worn video",
            "WO, KO",
            "Call from KO: he had not been able to reach WO by phone for two days. PC1 "
            "attended for a welfare check at 20:10. WO was well but the phone was unplugged "
            "and the flat was cold. PC1 plugged the phone in, told KO, and closed the log.",
            "A welfare check within the graded response time (met). The adults at risk "
            "policy asks officers to make a report when a person seems to be struggling to "
            "care for themselves; PC1 did not consider one (not met).",
            (1, 3),
            "A missed chance to share information with ASC.",
            time(19, 5),
        ),
        Entry(
            11,
            "Command and control log",
            "WO",
            "Call from the ambulance service: WO admitted with pressure damage and bruising, "
            "possible neglect. PS1 reviewed the log, recorded that no crime was apparent at "
            "that stage and passed the information to ASC.",
            "Information shared with ASC the same day (met). Where neglect by a carer is "
            "suspected, a referral to the adult protection investigation team is expected "
            "(not met until after WO's death).",
            (1, 3),
            at=time(9, 30),
        ),
        Entry(
            -2,
            "Strategy meeting minutes",
            "WO",
            "DS1 attended the strategy meeting called by ASC after WO's death. A criminal "
            "investigation into wilful neglect by care workers was opened.",
            "Investigation opened within 24 hours of the strategy meeting (met).",
            (3,),
        ),
    ],
    glossary=[
        (WORKER, "PC1", "Police constable, response team", "Aled Grimsdyke"),
        (WORKER, "PS1", "Police sergeant, control room", "Hollie Tregarthen"),
        (WORKER, "DS1", "Detective sergeant, adult protection team", "Marcus Edenbridge"),
        ASC,
        GP,
    ],
    appraisal="Officers attending a welfare check on an adult over 75 who lives alone must "
    "consider an adults at risk report; a briefing has gone to every response team.",
    report=Report(
        sources=["police_records", "supervision_notes", "staff_interviews"],
        other_sources="Body-worn video of the welfare check; interviews with the response "
        "constable and the control room sergeant.",
        analysis={
            "summary": (
                "The force had two contacts with WO before her admission: a welfare check "
                "when her son could not reach her, and a call from the ambulance service on "
                "the day she was admitted. No adults at risk report was made on either. "
                "After her death a criminal investigation was opened.",
                (1, 3),
            ),
            "policy": (
                "The adults at risk policy and the welfare check guidance were in place. "
                "The policy was not followed at the welfare check: the report that would "
                "have told ASC was not considered.",
                (3,),
            ),
            "concerns": (
                "Officers dealt with the request (WO was safe and could be reached) but not "
                "with the signs that she was struggling: the cold flat and her confusion "
                "are on the body-worn video but were not acted on.",
                (1, 3),
            ),
            "assessments": (
                "No structured risk assessment was made at the welfare check. On the day of "
                "admission the sergeant treated the call as information only, without "
                "speaking to the ambulance crew.",
                (1,),
            ),
            "enquiries": (
                "Force systems were checked and held nothing. No enquiries were made with "
                "ASC or the GP at either contact.",
                (1,),
            ),
            "services": (
                "The force does not provide care; what was expected of it was to share "
                "information with ASC, which happened only after WO's admission.",
                (1,),
            ),
            "wishes": (
                "WO told PC1 she wanted to stay at home and did not want a fuss. This is on "
                "the video but not in the log; her wish should have been weighed with the "
                "risk, not taken as a reason to do nothing.",
                (2,),
            ),
            "identity": (
                "WO was an older white British woman who lived alone. Nothing suggests her "
                "identity affected the service, but her age and living alone were not "
                "treated as risk factors as the policy expects.",
                (2,),
            ),
            "senior_managers": (
                "No. Neither contact was seen by an inspector; the policy does not require "
                "it for a welfare check.",
                (3,),
            ),
            "multi_agency_policy": (
                "In part. Information was shared with ASC after the ambulance call, as the "
                "multi-agency procedures require, but the chance to raise a concern at the "
                "welfare check was missed.",
                (3,),
            ),
            "professional_standards": (
                "The officers were courteous and arrived within the time expected. The log "
                "fell short of the recording standard: it did not describe what PC1 saw.",
                (1,),
            ),
            "consultation": (
                "There was no consultation with other agencies until the strategy meeting "
                "after WO's death.",
                (1, 3),
            ),
        },
        lessons={
            "learning": "A welfare check is a chance to see how a person is coping, not "
            "only whether they are safe that night.",
            "practice": "Good practice: the quick response to the son's call and the "
            "sergeant's same-day sharing with ASC. To improve: recording what officers see, "
            "and making adults at risk reports.",
            "training": "Response officers need refresher training on adults at risk reports "
            "and on the signs of neglect and self-neglect.",
            "resources": "None beyond the time for training.",
            "partnership": "The force needs a direct route to the ASC duty team out of hours.",
        },
        recommendations=[
            (
                "Officers consider an adults at risk report at every welfare check on an "
                "adult who lives alone.",
                [
                    (
                        "Add a required adults at risk question to the closing codes of "
                        "welfare check logs.",
                        "The system change record and a copy of the new closing code.",
                        "Every welfare check log records whether a report was considered.",
                        8,
                    ),
                    (
                        "Audit 50 welfare check logs on adults over 75 each quarter.",
                        "Quarterly audit reports to the force safeguarding board.",
                        "At least 90% of logs record the decision and its reasons.",
                        26,
                    ),
                ],
            ),
            (
                "Response officers recognise neglect and self-neglect and report it.",
                [
                    (
                        "Deliver a 90-minute session on neglect to every response team.",
                        "Attendance records and the session material.",
                        "More reports to ASC from welfare checks in the following year.",
                        20,
                    ),
                ],
            ),
        ],
    ),
)

ICB = Review(
    agency="icb",
    step=Imr.Status.PANEL_REVIEW,
    lead=(
        "icb.lead@example.org",
        "Imogen Strathearn",
        "Designated Nurse for Safeguarding Adults",
    ),
    author=("icb.author@example.org", "Nikhil Ransome", "Named GP for Safeguarding Adults"),
    director=("icb.director@example.org", "Pauline Edgecombe", "Chief Nursing Officer"),
    author_suitability="A GP for twenty years and the county's named GP for safeguarding "
    "adults; works in a practice in another locality and had no part in the adult's care.",
    entries=[
        Entry(
            170,
            "GP notes",
            "WO",
            "Annual review by GP1. Weight 58 kg. WO said she forgot appointments; a memory "
            "assessment was offered and accepted, and a referral sent to the memory service.",
            "Referral for memory assessment in line with local guidance (met).",
            (1, 2),
            at=time(10, 10),
        ),
        Entry(
            118,
            "GP notes; clinic letter",
            "WO",
            "Letter from the memory service: mild cognitive impairment; WO able to make "
            "decisions about her care. Filed by GP1 with no action.",
            "No action was needed from the practice (met).",
            (2,),
        ),
        Entry(
            62,
            "GP notes; task list",
            "WO",
            "Task from the district nurse: a new pressure ulcer, bruising to both forearms "
            "and weight loss, and a safeguarding concern raised with ASC. GP1 marked the "
            "task as read; WO was not reviewed.",
            "The practice protocol asks for a GP review within two weeks of new pressure "
            "damage with weight loss (not met).",
            (1, 3),
            "Information received but not acted on.",
        ),
        Entry(
            40,
            "GP notes",
            "WO",
            "Telephone consultation by GP2 (locum) at WO's request for a repeat "
            "prescription. WO said she was eating well. No weight recorded; the district "
            "nurse's task was not seen.",
            "Weight loss flagged on the record should be reviewed at any consultation (not met).",
            (1, 2),
            at=time(11, 40),
        ),
        Entry(
            11,
            "GP notes; hospital notification",
            "WO",
            "Notice of WO's admission through the ED received and coded.",
            "Admission notices coded within two working days (met).",
        ),
    ],
    glossary=[
        (WORKER, "GP1", "General practitioner, WO's usual doctor", "Tobias Wrenfield"),
        (WORKER, "GP2", "General practitioner, locum", "Annika Solberg"),
        ASC,
        GP,
        ED,
    ],
    appraisal="",
    report=Report(
        sources=["gp_notes", "staff_interviews"],
        other_sources="The practice's task list and safeguarding register; interviews with "
        "the usual GP, the locum GP and the practice manager.",
        analysis={
            "summary": (
                "The practice saw WO once in person and once by phone in her last six "
                "months, referred her for a memory assessment, and received the district "
                "nurse's task about a pressure ulcer, bruising and weight loss. The task was "
                "not acted on and WO was not reviewed before her admission.",
                (1, 3),
            ),
            "policy": (
                "The practice had a safeguarding policy and a protocol for tasks about "
                "pressure damage. The protocol was not followed: tasks went to the usual GP's "
                "list with no cover while GP1 was on leave.",
                (3,),
            ),
            "concerns": (
                "No. The task named a safeguarding concern, but the practice treated it as "
                "information because ASC was already involved.",
                (1, 3),
            ),
            "assessments": (
                "The annual review and the memory referral were timely. No assessment "
                "followed the task about weight loss and pressure damage.",
                (1,),
            ),
            "enquiries": (
                "The practice did not ask ASC or the district nurses about the outcome of "
                "the concern.",
                (1, 3),
            ),
            "services": (
                "The memory referral was appropriate. A review of nutrition and a home "
                "visit should have followed the district nurse's task.",
                (1,),
            ),
            "wishes": (
                "WO's wish to stay at home is recorded at the annual review. At the phone "
                "consultation her account that she was eating well was accepted without "
                "checking it against her weight.",
                (2,),
            ),
            "identity": (
                "WO's age and her mild cognitive impairment were known. The record shows no "
                "reasonable adjustment, such as a call to her son before appointments.",
                (2,),
            ),
            "senior_managers": (
                "No. The practice's safeguarding lead did not see the task.",
                (3,),
            ),
            "multi_agency_policy": (
                "The practice did not act on its part of the multi-agency procedures: a "
                "partner told of a concern should share what it knows with ASC.",
                (3,),
            ),
            "professional_standards": (
                "The handling of tasks during leave fell short of the standard expected of a "
                "practice; the annual review met it.",
                (1,),
            ),
            "consultation": (
                "There was no consultation with ASC or the district nursing team after the task.",
                (1, 3),
            ),
        },
        lessons={
            "learning": "A task that names a safeguarding concern needs a clinical "
            "decision, even when another agency is already involved.",
            "practice": "Good practice: the memory referral. To improve: cover for tasks "
            "during leave, and checking weight when a patient says she eats well.",
            "training": "Practice staff need training on tasks that carry safeguarding "
            "concerns; locums need to see the record's alerts.",
            "resources": "Time of the practice's safeguarding lead to review tasks weekly.",
            "partnership": "District nurses and practices should agree how a concern is "
            "followed up between them.",
        },
        recommendations=[
            (
                "Tasks naming a safeguarding concern are seen by a GP within two working days.",
                [
                    (
                        "Route such tasks to the duty doctor's list as well as the usual GP's.",
                        "The practice's updated task protocol.",
                        "No safeguarding task waits more than two working days.",
                        12,
                    ),
                    (
                        "Audit safeguarding tasks in every practice of the locality.",
                        "The audit report to the integrated care board's safeguarding committee.",
                        "At least 95% of tasks are actioned within two working days.",
                        30,
                    ),
                ],
            ),
        ],
    ),
)

# The demo's own IMR author and director sign in here: the author revises for the panel,
# then the director countersigns and the panel chair reviews again.
NHS = Review(
    agency="nhs",
    step=Imr.Status.REVISION,
    lead=("nhs.lead@example.org", "Anjali Trevethan", "Head of Safeguarding"),
    author=Role.IMR_AUTHOR,
    director=Role.COUNTERSIGNING_DIRECTOR,
    author_suitability="Leads safeguarding practice across the trust's community services "
    "and has written IMRs for two earlier reviews; works in a different locality from the "
    "district nursing team involved and had no part in the adult's care.",
    entries=[
        Entry(
            125,
            "Memory service notes",
            "WO",
            "Memory assessment by MN1 at home: mild cognitive impairment. WO understood and "
            "could weigh information about her care. Letter sent to the GP.",
            "Assessment within six weeks of referral (met).",
            (2,),
            at=time(14, 0),
        ),
        Entry(
            93,
            "Falls team records",
            "WO",
            "Referral from the ambulance service after a fall. PT1 phoned WO, who declined a "
            "home visit and said the carers helped her. Referral closed.",
            "The falls pathway asks for a home visit when the person lives alone; a phone "
            "call alone was not enough (not met).",
            (1, 2),
        ),
        Entry(
            62,
            "District nursing records",
            "WO",
            "First visit by DN1 to dress a leg wound. Category 2 pressure ulcer to the "
            "sacrum, bruising to both forearms, weight 51 kg (MUST score 2). WO said the "
            "carers 'don't always come at dinner time'. DN1 raised a safeguarding concern "
            "with ASC by phone and sent a task to the GP.",
            "Concern raised the same day (met): good practice. The pressure ulcer policy "
            "asks for a body map and the SSKIN bundle at the first visit; neither was done "
            "(not met).",
            (1, 2, 3),
            "WO's own account of missed calls was recorded and acted on.",
            time(10, 45),
        ),
        Entry(
            58,
            "District nursing records",
            "WO",
            "ASC told DN1 by phone that the concern was closed because the care agency said "
            "all calls had been made. DN1 recorded this and did not challenge it.",
            "A referrer who disagrees with a decision may escalate it to a manager under the "
            "multi-agency procedures; DN1 did not know this (not met).",
            (3,),
        ),
        Entry(
            48,
            "District nursing records",
            "WO",
            "DN2 visit: ulcer unchanged. WO declined to be repositioned and said she slept "
            "in her chair. Advice given; no assessment of her capacity to make this decision "
            "was recorded.",
            "Where a person declines pressure care, staff record a discussion of the risks "
            "and consider whether a capacity assessment is needed (not met).",
            (2,),
            at=time(11, 0),
        ),
        Entry(
            41,
            "District nursing records",
            "WO",
            "DN2 visit: no answer at the door. A card was left; there was no further "
            "attempt before WO's admission.",
            "The no-access procedure asks staff to contact the next of kin and the care "
            "agency the same day (not met).",
            (1, 3),
        ),
        Entry(
            11,
            "ED and ward records",
            "WO",
            "Admitted through the ED: category 4 pressure ulcers to the sacrum and both "
            "heels, dehydration, weight 44 kg. N1 raised a safeguarding concern with ASC on "
            "the day.",
            "Concern raised on admission (met).",
            (1, 3),
            at=time(10, 5),
        ),
        Entry(0, "Ward records", "WO, KO", "WO died on the ward with KO present."),
    ],
    glossary=[
        (WORKER, "MN1", "Memory nurse", "Gwendolyn Ashby-Crewe"),
        (WORKER, "PT1", "Physiotherapist, falls team", "Rajan Holloway"),
        (WORKER, "DN1", "District nurse, team leader", "Maeve Cattermole"),
        (WORKER, "DN2", "District nurse", "Joel Fenchurch"),
        (WORKER, "N1", "Staff nurse, medical ward", "Ffion Redcastle"),
        ASC,
        GP,
        ED,
        (ABBREVIATION, "MUST", "Malnutrition universal screening tool", ""),
        (
            ABBREVIATION,
            "SSKIN",
            "Pressure ulcer care bundle: surface, skin, keep moving, incontinence, nutrition",
            "",
        ),
    ],
    appraisal="District nurses who cannot get in must contact the next of kin and the care "
    "agency the same day; a reminder has gone to every community team.",
    report=Report(
        sources=["health_records", "adult_protection_notes", "supervision_notes"],
        other_sources="Interviews with the district nursing team leader, the falls team "
        "physiotherapist and the ward sister.",
        analysis={
            "summary": (
                "The trust assessed WO's memory, triaged a falls referral by phone and, in "
                "her last two months, visited her for a pressure ulcer. The district nurse "
                "raised a safeguarding concern; when it was closed the trust did not "
                "challenge it, and a missed visit was not followed up.",
                (1, 3),
            ),
            "policy": (
                "The trust's safeguarding, pressure ulcer, falls and no-access policies were "
                "in place. The concern was raised as policy requires; the pressure ulcer and "
                "no-access policies were not followed.",
                (3,),
            ),
            "concerns": (
                "In part. DN1 acted promptly on what WO said about missed calls, but no one "
                "acted when the concern was closed while the ulcer had not healed.",
                (1, 3),
            ),
            "assessments": (
                "The memory assessment was thorough and timely. The falls triage and the "
                "pressure ulcer assessment were incomplete: no home visit, no body map.",
                (1,),
            ),
            "enquiries": (
                "DN1 did not ask the care agency for its call records or WO's son for his view.",
                (1,),
            ),
            "services": (
                "District nursing visits were offered weekly; given the ulcer and weight "
                "loss, twice-weekly visits and a dietetic referral were needed.",
                (1,),
            ),
            "wishes": (
                "WO's wish to stay at home and her refusal of repositioning were recorded, "
                "but not explored with her.",
                (2,),
            ),
            "identity": (
                "WO's age and mild cognitive impairment were known; the record shows no "
                "adjustment, such as involving her son in decisions about her care.",
                (2,),
            ),
            "senior_managers": (
                "No. The team leader was not told that the concern had been closed.",
                (3,),
            ),
            "multi_agency_policy": (
                "The concern was raised as the procedures require, but their escalation "
                "route was not used when the trust disagreed with the decision.",
                (3,),
            ),
            "professional_standards": (
                "Record keeping met the professional standard; the missing body map and care "
                "bundle did not.",
                (1,),
            ),
            "consultation": (
                "The district nurse told the GP and ASC; there was no joint discussion of "
                "WO's care before her admission.",
                (1, 3),
            ),
        },
        lessons={
            "learning": "Raising a concern is not the end of the trust's part: staff must "
            "follow it up and escalate when they disagree with the outcome.",
            "practice": "Good practice: the memory assessment and the same-day concern. To "
            "improve: body maps, no-access follow-up and exploring refusals of care.",
            "training": "Community nurses need training on the escalation route and on "
            "capacity assessments when care is declined.",
            "resources": "Twice-weekly visits for patients with pressure ulcers and weight "
            "loss need more district nursing hours in the locality.",
            "partnership": "The trust and ASC should share the outcome of a concern in "
            "writing with the referrer.",
        },
        recommendations=[
            (
                "Community nurses follow up every safeguarding concern they raise.",
                [
                    (
                        "Add the escalation route to the district nursing safeguarding checklist.",
                        "The revised checklist and the team briefing record.",
                        "Every closed concern the trust disagrees with is escalated.",
                        10,
                    ),
                ],
            ),
            (
                "A missed district nursing visit is followed up on the same day.",
                [
                    (
                        "Audit no-access visits in every community team each quarter.",
                        "Quarterly audit reports to the trust's safeguarding committee.",
                        "At least 95% of no-access visits are followed up the same day.",
                        26,
                    ),
                ],
            ),
        ],
    ),
    panel_return="The chronology and analysis are clear and candid. Before the panel can "
    "accept the report: 11.3 b should explain why the concern DN1 raised was not followed "
    "up when ASC closed it, and whether the escalation route was known to the team; "
    "11.3 f should say how WO's refusal of repositioning was explored, including her "
    "capacity to make that decision; and action 1.1 needs a measurable outcome.",
)

HOMECARE = Review(
    agency="homecare",
    step=Imr.Status.ACCEPTED,
    lead=("homecare.lead@example.org", "Yvonne Carrow", "Director of Operations"),
    author=("homecare.author@example.org", "Linus Petheridge", "Quality and Compliance Manager"),
    director=("homecare.director@example.org", "Beatrix Olumide-Shaw", "Managing Director"),
    author_suitability="Leads quality assurance for the company's three branches and "
    "investigates complaints; works from head office and had no part in arranging or "
    "delivering the adult's care.",
    entries=[
        Entry(
            120,
            "Care plan; commissioning records",
            "WO",
            "ASC increased the care package to four calls a day of 30 minutes. CC1 updated "
            "the care plan and the rota.",
            "Care plan updated within 48 hours of a change (met).",
        ),
        Entry(
            90,
            "Electronic call monitoring; rota",
            "WO",
            "Lunchtime call missed: no care worker was on the rota. CC1 did not tell WO, her "
            "son or ASC.",
            "The contract requires a missed call to be reported to the commissioner within "
            "24 hours and the person to be told (not met).",
            (1, 3),
            at=time(12, 30),
        ),
        Entry(
            63,
            "Daily care log",
            "WO",
            "CW1 recorded bruises on both of WO's forearms. There was no body map and no "
            "report to the office.",
            "Staff report unexplained bruising to the office the same day and complete a "
            "body map (not met).",
            (3,),
            at=time(18, 10),
        ),
        Entry(
            61,
            "Office call log",
            "WO",
            "The ASC duty worker phoned about a safeguarding concern raised by the district "
            "nurse. CC1 said all calls had been made; the call monitoring records were not "
            "checked.",
            "Information given to a safeguarding enquiry is checked against the records (not met).",
            (1, 3),
            "Inaccurate information led ASC to close the concern.",
        ),
        Entry(
            30,
            "Electronic call monitoring",
            "WO",
            "Over the next 18 days, 14 of 72 calls were missed and 23 lasted under 10 "
            "minutes. Exception reports were produced but not reviewed.",
            "Exception reports are reviewed daily by the care coordinator (not met).",
            (1,),
        ),
        Entry(
            11,
            "Daily care log",
            "WO",
            "CW2 arrived for the morning call and found WO on the floor, cold and wet. CW2 "
            "called 999 and stayed until the ambulance arrived.",
            "Emergency procedure followed (met): good practice.",
            at=time(7, 30),
        ),
    ],
    glossary=[
        (WORKER, "CC1", "Care coordinator", "Shona Whitlock"),
        (WORKER, "CW1", "Care worker", "Petra Lindhurst"),
        (WORKER, "CW2", "Care worker", "Amos Kettleby"),
        ASC,
        (ABBREVIATION, "CQC", "Care Quality Commission, the regulator of care services", ""),
    ],
    appraisal="Missed calls are now reported to ASC on the day, and the branch manager "
    "reviews the call monitoring exception report every morning.",
    report=Report(
        sources=["care_home_records", "supervision_notes", "staff_interviews"],
        other_sources="Electronic call monitoring records, rotas and daily care logs; "
        "interviews with the care coordinator and two care workers.",
        analysis={
            "summary": (
                "The company provided WO's care four times a day for her last four months. "
                "Calls were missed and cut short, bruising was not reported, and the office "
                "gave ASC wrong information when a concern was raised.",
                (1, 3),
            ),
            "policy": (
                "The safeguarding, missed call and recording policies were in place and "
                "known to staff. None of them was followed in the events that mattered.",
                (3,),
            ),
            "concerns": (
                "No. The bruising was recorded but not reported, and the concern raised by "
                "the district nurse was answered without checking the records.",
                (1, 3),
            ),
            "assessments": (
                "The care plan was reviewed when the package changed. It was not reviewed "
                "when WO's needs grew, although care workers saw her decline.",
                (1,),
            ),
            "enquiries": (
                "The office made no enquiries of its own when the concern was raised.",
                (3,),
            ),
            "services": (
                "The service commissioned was appropriate; the service delivered was not, "
                "because rotas were not staffed.",
                (1,),
            ),
            "wishes": (
                "Care workers knew WO wished to stay at home and liked her lunchtime call; "
                "her complaint that carers did not always come was not passed on.",
                (2,),
            ),
            "identity": (
                "The care plan records WO's preferences and routines. There is no sign that "
                "her identity affected the care given.",
                (2,),
            ),
            "senior_managers": (
                "No. The registered manager did not learn of the missed calls or the "
                "concern until after WO's admission.",
                (3,),
            ),
            "multi_agency_policy": (
                "Not consistent: the procedures expect a provider to give a safeguarding "
                "enquiry accurate information and to report concerns itself.",
                (3,),
            ),
            "professional_standards": (
                "The care fell short of the standards the CQC expects of a home care "
                "provider on staffing, safeguarding and records.",
                (1, 3),
            ),
            "consultation": (
                "The company did not consult ASC about the missed calls or WO's son about "
                "her decline.",
                (1,),
            ),
        },
        lessons={
            "learning": "Call monitoring is only a safeguard if someone reads it and acts on it.",
            "practice": "Good practice: CW2's response on the morning of the admission. To "
            "improve: reporting missed calls and bruising, and checking records before "
            "answering an enquiry.",
            "training": "All care workers need refresher safeguarding training; "
            "coordinators need supervision that covers the exception reports.",
            "resources": "The branch needs enough care workers to staff every rota before "
            "it accepts new packages.",
            "partnership": "The company and ASC should review missed calls together every month.",
        },
        recommendations=[
            (
                "Every missed or short call is reported to ASC on the day.",
                [
                    (
                        "Make the exception report a daily task of the branch manager.",
                        "The branch manager's signed daily checks.",
                        "No missed call goes unreported.",
                        6,
                    ),
                    (
                        "Report missed calls to ASC in the monthly contract meeting.",
                        "Minutes of the contract meetings.",
                        "Missed calls fall below 1% of calls within six months.",
                        26,
                    ),
                ],
            ),
            (
                "Care workers report unexplained bruising on the day, with a body map.",
                [
                    (
                        "Train every care worker in recording and reporting injuries.",
                        "Training records for all staff.",
                        "Every report of bruising has a body map and a same-day report.",
                        16,
                    ),
                ],
            ),
        ],
    ),
    panel_return="Section 4 does not use the call monitoring findings in the chronology: "
    "11.3 b and 11.3 e should analyse the missed and short calls against the contract, and "
    "say why the exception reports were not reviewed.",
    revised={
        "concerns": "The call monitoring showed 14 missed and 23 short calls in WO's last "
        "weeks; the exception reports that listed them were not read, because the care "
        "coordinator was covering two rotas.",
        "services": "Against the contract, WO received about four in five of the calls "
        "commissioned, and many were too short for the care planned.",
    },
    panel_accept="The revised analysis is candid about the missed and short calls and their "
    "effect on WO. Accepted.",
    concern="CW1's daily log records personal care on three calls in the week before WO's "
    "admission that the call monitoring shows did not take place. This may call for the "
    "company's disciplinary process.",
)

# The demo's agency lead signs in to nominate an author and a director.
ASC_REVIEW = Review(agency="asc", step=Imr.Status.NOMINATING, lead=Role.AGENCY_LEAD)

REVIEWS = [ASC_REVIEW, FIRE, AMBULANCE, HOUSING, POLICE, ICB, NHS, HOMECARE]

FAMILY_PEOPLE = [
    {
        "id": "ko",
        "relationship": "child",
        "relationship_detail": "Son; lives about 40 miles away and visited monthly",
        "name": "Keith Ollerenshaw",
        "dob": "1974-08-14",
        "address": "22 Mill Brow, Eastby NS9 2LP",
        "ethnicity": "White British",
    },
    {
        "id": "dp",
        "relationship": "significant",
        "relationship_detail": "Neighbour who kept a key and did her shopping",
        "name": "Doreen Pickersgill",
        "dob": "",
        "address": "Flat 4, 14 Quarry Lane, Northtown NS4 7QQ",
        "ethnicity": "White British",
    },
]


@register
def demo_imrs(world: DemoWorld) -> None:
    """The management reviews of the demo case, once (see the module's docstring)."""
    agencies = dict(world.agencies)
    for key, name, kind in NEW_AGENCIES:
        agencies[key] = Agency.objects.get_or_create(
            board=world.board, name=name, defaults={"kind": kind}
        )[0]
    teams = {review.agency: _team(world, agencies[review.agency], review) for review in REVIEWS}
    case = next(
        (c for c in world.cases.values() if c.subject_name == SUBJECT),
        None,
    )
    # The panel's demo (registered first: panel comes before imr in INSTALLED_APPS)
    # gives the case its terms of reference, which the chronology entries cite.
    if (
        case is None
        or case.stage != Stage.IMRS_IN_PROGRESS
        or case.imrs.exists()
        or not TermsOfReference.objects.filter(case=case).exists()
    ):
        return
    today = calendar.today()
    died = _date_of_death(case)
    with transaction.atomic():
        services.imr_commission(
            case_id=case.pk,
            by=world.people[Role.COORDINATOR],
            agency_ids=[agencies[review.agency].pk for review in REVIEWS],
            chronology_due=today + timedelta(weeks=3),
            report_due=today + timedelta(weeks=10),
        )
        for review in REVIEWS:
            _take(world, case, agencies[review.agency], review, teams[review.agency], died)


def _team(world: DemoWorld, agency: Agency, review: Review) -> dict[str, User | None]:
    """The agency's lead, author and director, made if they are not there yet."""
    team = {}
    for part in ("lead", "author", "director"):
        who = getattr(review, part)
        if who is None:
            team[part] = None
        elif isinstance(who, Role):
            team[part] = world.people[who]
        else:
            team[part] = _member(world, agency, *who)
    role_grant(user=team["lead"], role=Role.AGENCY_LEAD)
    return team


def _member(world: DemoWorld, agency: Agency, email: str, name: str, title: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email, None, full_name=name, job_title=title, board=world.board, agency=agency
        )
        # The demo's one password, whichever seed_demo was given: the coordinator's.
        user.password = world.people[Role.COORDINATOR].password
        user.save(update_fields=["password"])
    return user


def _date_of_death(case: Case) -> date:
    """As the demo referral has it (five days before the case was opened)."""
    if case.subject_date_of_death:
        return case.subject_date_of_death
    referral = Referral.objects.filter(case=case).exclude(subject_date_of_death=None).first()
    if referral is not None:
        return referral.subject_date_of_death
    return calendar.local_date(case.created_at) - timedelta(days=5)


def _take(
    world: DemoWorld,
    case: Case,
    agency: Agency,
    review: Review,
    team: dict[str, User | None],
    died: date,
) -> None:
    """Walk one review along its course to `review.step`, each step by its own person."""
    course = list(Imr.Status)
    reached = course.index(review.step)

    def passed(status: Imr.Status) -> bool:
        return reached >= course.index(status)

    lead, author, director = team["lead"], team["author"], team["director"]
    panel_chair = world.people[Role.PANEL_CHAIR]
    if not passed(Imr.Status.CHRONOLOGY):
        return
    ids = {"case_id": case.pk, "agency_id": agency.pk}
    services.imr_nominate(
        **ids,
        by=lead,
        author=author,
        author_designation=author.job_title,
        author_suitability=review.author_suitability,
        author_independent=True,
        director=director,
        director_designation=director.job_title,
    )
    if review.appraisal is not None:
        services.imr_appraisal_record(
            **ids, by=author, needed=bool(review.appraisal), changes=review.appraisal
        )
    _write_chronology(case, ids, author, review, died)
    if not passed(Imr.Status.CHRONOLOGY_SIGN_OFF):
        return
    services.imr_submit(**ids, by=author, part=Part.CHRONOLOGY)
    if review.director_return:
        comments, before, expected = review.director_return
        services.imr_director_return(**ids, by=director, comments=comments)
        written = next(entry for entry in review.entries if entry.before == before)
        row = ChronologyEntry.objects.get(
            imr__case=case, imr__agency=agency, date=died - timedelta(days=before)
        )
        drafting.chronology_entry_save(
            **ids,
            by=author,
            values=_values(replace(written, expected=expected), died),
            entry_id=row.pk,
            revision=row.revision,
        )
        services.imr_submit(**ids, by=author, part=Part.CHRONOLOGY)
    if not passed(Imr.Status.REPORT):
        return
    services.imr_countersign(**ids, by=director)
    if review.report is not None:
        _write_report(ids, author, director, review.report)
    if review.concern:
        services.imr_concern_record(**ids, by=author, text=review.concern)
    if not passed(Imr.Status.REPORT_SIGN_OFF):
        return
    services.imr_submit(**ids, by=author, part=Part.REPORT)
    if not passed(Imr.Status.PANEL_REVIEW):
        return
    services.imr_countersign(**ids, by=director)
    if not passed(Imr.Status.REVISION):
        return
    if review.panel_return:
        services.imr_panel_review(
            **ids,
            by=panel_chair,
            accept=False,
            comments=review.panel_return,
            revision_due=calendar.today() + timedelta(weeks=3),
        )
    if review.step == Imr.Status.REVISION:
        return
    if review.panel_return:
        _revise(ids, author, review.revised)
        services.imr_submit(**ids, by=author, part=Part.REPORT)
        services.imr_countersign(**ids, by=director)
    services.imr_panel_review(**ids, by=panel_chair, accept=True, comments=review.panel_accept)


def _values(entry: Entry, died: date) -> drafting.EntryValues:
    return drafting.EntryValues(
        date=FuzzyDate(died - timedelta(days=entry.before), Precision.DAY),
        time=entry.at,
        source=entry.source,
        subject=entry.subject,
        event=entry.event,
        expected_practice=entry.expected,
        term_numbers=list(entry.terms),
        relevance_note=entry.relevance,
        explains_gap=entry.explains_gap,
    )


def _write_chronology(case: Case, ids: dict, author: User, review: Review, died: date) -> None:
    """Section 2, the chronology and the glossary, as the author writes them."""
    family = {
        "subject": {
            "name": case.subject_name,
            "dob": case.subject_date_of_birth.isoformat() if case.subject_date_of_birth else "",
            "dod": died.isoformat(),
            "address": ADDRESS,
            "ethnicity": "White British",
        },
        "people": FAMILY_PEOPLE,
        "other_addresses": "",
    }
    drafting.imr_section_update(
        **ids, by=author, key=Section.FAMILY, change=lambda old: family, revision=None
    )
    for entry in review.entries:
        drafting.chronology_entry_save(**ids, by=author, values=_values(entry, died))
    for kind, code, meaning, worker_name in review.glossary:
        drafting.glossary_entry_save(
            **ids, by=author, kind=kind, code=code, meaning=meaning, worker_name=worker_name
        )


def _write_report(ids: dict, author: User, director: User, report: Report) -> None:
    """Sections 1, 4, 5 and 6, as far as the report has them."""
    today = calendar.today()

    def save(key: Section, data: dict) -> None:
        drafting.imr_section_update(
            **ids, by=author, key=key, change=lambda old: data, revision=None
        )

    save(
        Section.INTRODUCTION,
        {"sources": report.sources, "other_sources": report.other_sources, "notes": ""},
    )
    save(
        Section.ANALYSIS,
        {
            prompt.key: {"text": text, "terms": list(terms)}
            for prompt in ANALYSIS_PROMPTS
            if prompt.key in report.analysis
            for text, terms in [report.analysis[prompt.key]]
        },
    )
    if report.lessons:
        save(Section.LESSONS, {p.key: report.lessons[p.key] for p in LESSON_PROMPTS})
    if report.recommendations:
        contact = {"phone": "01632 960 214", "address": ""}
        save(
            Section.ACTION_PLAN,
            {
                "lead": {
                    "name": director.full_name,
                    "position": director.job_title,
                    "email": director.email,
                    **contact,
                },
                "named": {
                    "name": author.full_name,
                    "position": author.job_title,
                    "email": author.email,
                    **contact,
                },
                "recommendations": [
                    {
                        "id": f"r{number}",
                        "text": text,
                        "actions": [
                            {
                                "text": action,
                                "evidence": evidence,
                                "outcome": outcome,
                                "date": (today + timedelta(weeks=weeks)).isoformat(),
                            }
                            for action, evidence, outcome, weeks in actions
                        ],
                    }
                    for number, (text, actions) in enumerate(report.recommendations, 1)
                ],
            },
        )


def _revise(ids: dict, author: User, additions: dict[str, str]) -> None:
    """The author answers the panel: adds to the section 4 answers it asked about."""

    def change(old: dict) -> dict:
        new = dict(old)
        for key, text in additions.items():
            answer = dict(new[key])
            answer["text"] = f"{answer['text']} {text}"
            new[key] = answer
        return new

    drafting.imr_section_update(
        **ids, by=author, key=Section.ANALYSIS, change=change, revision=None
    )
