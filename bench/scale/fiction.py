"""The invented places, names and happenings of the benchmark data, and how its cases
are spread over the stages and their ages."""

from scr.accounts.models import Agency
from scr.cases.stages import MAIN_ROUTE, Stage

SCALE_PASSWORD = "scale-bench-2026"  # noqa: S105 - the benchmark data's published password
# Every seeded address is under this domain (example.org never receives mail); the
# seeded boards are known by their coordinator's address there.
DOMAIN = "scale.example.org"
BATCH = 2000

# What share of the cases stands at each stage: most referrals end with the chair's
# decision, and a Serious Case Review spends most of its life in the management reviews
# and in the monitoring of its action plans.
STAGE_WEIGHTS: dict[Stage, float] = {
    Stage.REFERRAL_RECEIVED: 9,
    Stage.WITH_CHAIR: 6,
    Stage.PANEL_CONVENED: 5,
    Stage.PANEL_RECOMMENDED: 4,
    Stage.REVIEW_COMMISSIONED: 4,
    Stage.IMRS_IN_PROGRESS: 12,
    Stage.OVERVIEW_IN_PROGRESS: 3,
    Stage.WITH_BOARD: 1.5,
    Stage.EXECUTIVE_SUMMARY: 1.5,
    Stage.ACTION_PLANS: 3,
    Stage.MONITORING: 6,
    Stage.CLOSED: 5,
    Stage.OTHER_REVIEW: 18,
    Stage.DECLINED: 22,
}
# Typical days a case spends at each stage (a case's age is drawn from these).
DWELL: dict[Stage, int] = {
    Stage.REFERRAL_RECEIVED: 10,
    Stage.WITH_CHAIR: 14,
    Stage.PANEL_CONVENED: 21,
    Stage.PANEL_RECOMMENDED: 14,
    Stage.REVIEW_COMMISSIONED: 35,
    Stage.IMRS_IN_PROGRESS: 150,
    Stage.OVERVIEW_IN_PROGRESS: 110,
    Stage.WITH_BOARD: 30,
    Stage.EXECUTIVE_SUMMARY: 45,
    Stage.ACTION_PLANS: 45,
    Stage.MONITORING: 240,
    Stage.CLOSED: 400,
    Stage.OTHER_REVIEW: 500,
    Stage.DECLINED: 500,
}
# The transition into each stage, and who takes it (STYLE 3: CaseEvent is the history).
INTO: dict[Stage, tuple[str, str]] = {
    Stage.WITH_CHAIR: ("send_to_chair", "lead"),
    Stage.PANEL_CONVENED: ("convene_panel", "chair"),
    Stage.PANEL_RECOMMENDED: ("record_recommendation", "panel_chair"),
    Stage.REVIEW_COMMISSIONED: ("commission_review", "chair"),
    Stage.IMRS_IN_PROGRESS: ("start_imrs", "coordinator"),
    Stage.OVERVIEW_IN_PROGRESS: ("start_overview", "coordinator"),
    Stage.WITH_BOARD: ("submit_overview", "overview_author"),
    Stage.EXECUTIVE_SUMMARY: ("receive_overview", "coordinator"),
    Stage.ACTION_PLANS: ("approve_summary", "chair"),
    Stage.MONITORING: ("start_monitoring", "coordinator"),
    Stage.CLOSED: ("close", "chair"),
    Stage.DECLINED: ("decline", "chair"),
    Stage.OTHER_REVIEW: ("route_other_review", "chair"),
}
REVIEWED = MAIN_ROUTE[MAIN_ROUTE.index(Stage.IMRS_IN_PROGRESS) :]
OVERVIEW_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.OVERVIEW_IN_PROGRESS) :]
PLAN_STAGES = MAIN_ROUTE[MAIN_ROUTE.index(Stage.ACTION_PLANS) :]
IMRS_PER_CASE = 6
# A management review's way to acceptance (imr.models.Imr.Status), in order.
IMR_STEPS = (
    "nominating",
    "chronology",
    "chronology_sign_off",
    "report",
    "report_sign_off",
    "panel_review",
    "revision",
    "accepted",
)
# The showcase records of the first board (times the entries scale): the chronology
# editor's long draft, the IMR and overview PDFs of the benchmarks (issue 9).
BIG_DRAFT_ENTRIES = 2000
PDF_IMR_ENTRIES = 500
OVERVIEW_ENTRIES = 2000

# Invented places and people. Any likeness to a real person is chance.
PLACES = [
    "Ashmere", "Brackenford", "Corrindale", "Dunhallow", "Elverby", "Fallowmere",
    "Glenhaven", "Harrowdene", "Inglewick", "Jessamy Vale", "Kestrelford", "Larkmoor",
    "Marrowdale", "Netherbrook", "Orrinshire", "Pellingham", "Quarrendon", "Rookhaven",
    "Saltercombe", "Thistlewood", "Umberleigh Vale", "Wexmoor",
]  # fmt: skip
FIRST_NAMES = [
    "Ada", "Agnes", "Albert", "Alma", "Amos", "Arthur", "Beatrix", "Bernard", "Cecil",
    "Clara", "Cyril", "Dora", "Edith", "Edmund", "Elsie", "Ernest", "Esme", "Florence",
    "Frederick", "Gilbert", "Gladys", "Harold", "Hazel", "Horace", "Ida", "Ivy", "Jasper",
    "Kathleen", "Lionel", "Lottie", "Mabel", "Maud", "Morris", "Nancy", "Neville", "Olive",
    "Osbert", "Percy", "Phyllis", "Ralph", "Rosa", "Rupert", "Sidney", "Sybil", "Thea",
    "Thomas", "Una", "Vera", "Walter", "Winifred", "Yusuf", "Zainab", "Priya", "Tomasz",
    "Aoife", "Kwame", "Mei", "Ravi", "Siobhan", "Dariusz",
]  # fmt: skip
LAST_NAMES = [
    "Ashcombe", "Blenkiron", "Brightwater", "Carrowmore", "Dalbeattie", "Entwhistle",
    "Farrowby", "Gathercole", "Hebblethwaite", "Inchbald", "Jellicoe", "Kettlewell",
    "Lathbury", "Merriweather", "Nettleship", "Oakenfold", "Pennycuick", "Quarmby",
    "Rushworth", "Saltonstall", "Thackwray", "Underhill", "Varley-Hyde", "Winterbottom",
    "Yeadon", "Ackroyd", "Bellweather", "Crabtree-Lowe", "Dimmock", "Fairbrother",
    "Greenhalgh", "Holdsworth", "Ibbotson", "Lockwood", "Mottram", "Nuttall", "Ormerod",
    "Pickersgill", "Ramsbottom", "Sowerby", "Tattersall", "Wadsworth",
]  # fmt: skip
# (short name, kind) of a board's eight agencies; the name is '<place> <short name>'.
AGENCIES = [
    ("Constabulary", Agency.Kind.POLICE),
    ("Hospitals NHS Foundation Trust", Agency.Kind.NHS),
    ("Adult Social Care", Agency.Kind.ADULT_SOCIAL_CARE),
    ("Housing Partnership", Agency.Kind.OTHER),
    ("Integrated Care Board", Agency.Kind.NHS),
    ("Fire and Rescue Service", Agency.Kind.OTHER),
    ("Ambulance Service NHS Trust", Agency.Kind.NHS),
    ("Community Care Services", Agency.Kind.OTHER),
]
SOURCES = [
    "Case notes", "Electronic patient record", "Incident log", "Care plan",
    "Safeguarding referral", "Discharge summary", "Telephone record", "Visit record",
    "Supervision notes", "Risk assessment",
]  # fmt: skip
WORKERS = ["SW1", "SW2", "DN1", "GP1", "PC1", "PC2", "HO1", "CW1", "CW2", "OT1", "PS1"]
HAPPENINGS = [
    "visited {s} at home; {s} said she was managing but the kitchen held little food",
    "telephoned {s}, who did not answer; a message was left asking her to call back",
    "received a concern from a neighbour that {s} had not been seen for several days",
    "attended after {s} fell in the hallway; no injury was found and she declined hospital",
    "reviewed the care package with {s}; two calls a day were agreed",
    "noted that {s} had missed her third outpatient appointment in a row",
    "raised a safeguarding concern about unexplained bruising on {s}'s arm",
    "found {s} confused and the heating off; the duty team was told",
    "discussed {s} at the multi-agency risk meeting; actions were allocated",
    "closed the referral after {s} said she wanted no further contact",
    "completed a mental capacity assessment with {s} about where she lives",
    "arranged a welfare check on {s} after carers could not gain entry",
]
OUTCOMES = [
    "No further action was recorded.",
    "The record does not show a follow-up.",
    "A further visit was booked for the next week.",
    "The information was not shared with other agencies.",
    "The GP was informed by letter.",
    "A referral to adult social care was made.",
]
EXPECTED = [
    "",
    "",
    "A safeguarding referral should have been made on the same day.",
    "The care plan should have been reviewed after a fall.",
    "Information should have been shared with the GP.",
]
TERMS = [
    "How well agencies shared information about the adult's needs and risks.",
    "Whether the adult's mental capacity was assessed when decisions were made.",
    "How agencies responded to signs of self-neglect.",
    "Whether the adult's own wishes were heard and recorded.",
    "How agencies worked with the adult's family and carers.",
    "Whether escalation procedures were followed when concerns persisted.",
]
ACTIONS = [
    "Deliver refresher training on self-neglect to all {team} staff",
    "Audit twenty {team} case files for recorded capacity assessments",
    "Publish a joint information-sharing protocol for {team} teams",
    "Add a mandatory escalation prompt to the {team} recording system",
    "Hold a learning event on this review for {team} practitioners",
    "Review the {team} missed-appointment procedure against this case",
]
TEAMS = ["community nursing", "duty", "neighbourhood policing", "housing support", "reablement"]
# A tiny PDF: what a seeded evidence file holds (the download page serves it).
EVIDENCE_PDF = b"%PDF-1.4\n% Fictional evidence for a benchmark dataset.\n%%EOF\n"


def stage_counts(cases: int) -> dict[Stage, int]:
    """How a board's cases are spread over the stages: every stage at least once when
    there are enough cases, the rest in proportion to STAGE_WEIGHTS (largest remainder)."""
    stages = list(STAGE_WEIGHTS)
    counts = dict.fromkeys(stages, 1 if cases >= len(stages) else 0)
    rest = cases - sum(counts.values())
    total = sum(STAGE_WEIGHTS.values())
    shares = {s: rest * STAGE_WEIGHTS[s] / total for s in stages}
    for s in stages:
        counts[s] += int(shares[s])
    left = cases - sum(counts.values())
    for s in sorted(stages, key=lambda s: shares[s] - int(shares[s]), reverse=True)[:left]:
        counts[s] += 1
    return counts
