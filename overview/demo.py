"""The overview report and the executive summary in the demo (fictional people only).

Seven cases of the demo board, each with the accepted management reviews of the police,
the health trust and adult social care, at one step each of 13 to 15:

1. Cyril Mablethorpe (the core seed's case, left at 'review commissioned'): the report
   being written, one duplicate linked and one still suggested, the family not merged,
   one finding and no recommendations.
2. Florence Ashby: submitted to the board, its receipt under way.
3. Herbert Quayle: received; the executive summary being written, with the adult's
   first name in it, which the identification check shows.
4. Mabel Oddington: summary agreed and approved, released in four weeks; a family copy
   waiting.
5. Ernest Pennyworth: summary released and the family's copy sent.
6. Albert Fennimore and 7. Doris Wakefield: released like Ernest's, for the action plans
   demo to take on to the monitoring and the close.

Everything goes through the services, each step by the person whose step it is; the new
cases start as referrals. Running it twice changes nothing: a case that exists (or, for
Cyril's, has reviews) is left alone.
"""

import textwrap
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from django.db import transaction

from imr import checks, drafting
from imr import demo as imr_demo
from imr import services as imr_services
from imr.demo import Entry, Report, Review
from imr.models import GlossaryEntry, Imr, Part, Section
from imr.selectors import terms_of_reference
from overview import receipt, summary
from overview import services as overview_services
from overview.chronology import age_on, duplicate_suggestions, overview_entry_link
from overview.family import family_merge, merge_suggestions
from overview.models import ContributorResponse, OverviewSection
from panel import services as panel_services
from panel.demo import TERMS
from panel.models import PanelMembership, TermsOfReference
from referrals import services as referral_services
from referrals.models import Referral
from scr.accounts.roles import Role
from scr.cases import services as case_services
from scr.cases.models import Case
from scr.cases.stages import Stage
from scr.deadlines import calendar
from scr.demo.seed import DemoWorld, register
from scr.names import initials

WRITING, WITH_BOARD, SUMMARY, APPROVED, RELEASED = range(1, 6)
AGENCIES = ("police", "nhs", "asc")
Key = OverviewSection.Key

# The police and trust teams of the IMR demo; adult social care's author and director
# are made here (its lead is the core demo's agency lead).
TEAMS = {
    "police": imr_demo.POLICE,
    "nhs": imr_demo.NHS,
    "asc": Review(
        agency="asc",
        step=Imr.Status.ACCEPTED,
        lead=Role.AGENCY_LEAD,
        author=("asc.author@example.org", "Imelda Rosswarne", "Senior Practitioner, Reviews"),
        director=("asc.director@example.org", "Conrad Abernethy", "Director of Adult Services"),
        author_suitability="Leads the council's case review team and has written three "
        "management reviews; had no part in the adult's care or in managing its workers.",
    ),
}

WORKER, ABBREVIATION = GlossaryEntry.Kind.WORKER, GlossaryEntry.Kind.ABBREVIATION
ASC = (ABBREVIATION, "ASC", "Adult Social Care, the county council", "")
GP = (ABBREVIATION, "GP", "General practitioner", "")
GLOSSARY = {
    "police": [
        (WORKER, "PC1", "Police constable, response team", "Bryony Tallack"),
        (WORKER, "PC2", "Police constable, neighbourhood team", "Idris Penhallow"),
        (WORKER, "PS1", "Police sergeant, control room", "Marisol Coombe"),
        (WORKER, "DS1", "Detective sergeant, public protection unit", "Rhodri Vellacott"),
        (WORKER, "DC1", "Detective constable, economic crime unit", "Saskia Ludgate"),
        ASC,
    ],
    "nhs": [
        (WORKER, "GP1", "General practitioner, the adult's usual doctor", "Anwen Ruddock"),
        (WORKER, "GP2", "General practitioner, locum", "Lucian Ferrabee"),
        (WORKER, "DN1", "District nurse, team leader", "Orla Bexfield"),
        (WORKER, "DN2", "District nurse", "Kofi Arbuthnot"),
        (WORKER, "N1", "Staff nurse, medical ward", "Thea Kingswell"),
        (WORKER, "MN1", "Memory nurse", "Perpetua Lowndes"),
        (WORKER, "DSN1", "Diabetes specialist nurse", "Ilse Marchbank"),
        (ABBREVIATION, "ED", "Emergency department", ""),
        ASC,
        GP,
    ],
    "asc": [
        (WORKER, "SW1", "Social worker, locality team", "Fenella Okafor"),
        (WORKER, "SW2", "Social worker, reviewing team", "Jasper Tennant"),
        (WORKER, "TM1", "Team manager, safeguarding adults team", "Rukhsana Bligh"),
        GP,
    ],
}

# Where an agency had no contact for longer than the board's limit its author explains
# the gap (Appendix C), dated on the gap's first day: the merged chronology counts every
# entry as contact, so a note inside the gap would hide the gap there.
GAP_NOTES = {
    "police": ("Command and control system", "No further calls about {who} for some months."),
    "nhs": ("Patient administration system", "No appointment fell due and {who} asked for none."),
    "asc": ("Case management system", "Nothing new was referred about {who} until the next entry."),
}

# Sections 1, 4, 5 and 6 of the reviews: what the agencies found in common, in each
# agency's voice. 11.2 is written per case (_review); each answer cites its terms.
WHO = {"police": "The force", "nhs": "The trust", "asc": "Adult social care"}
SOURCES = {
    "police": (["police_records", "staff_interviews"], "Body-worn video of the visits."),
    "nhs": (["health_records", "gp_notes", "staff_interviews"], ""),
    "asc": (["social_work_records", "supervision_notes", "staff_interviews"], ""),
}
ANSWERS = {
    "policy": "{who}'s procedures were in place and known to staff; they were followed at "
    "some contacts and not at others.",
    "concerns": "In part: staff acted on what they saw on the day, but concerns were not "
    "always shared or followed up.",
    "assessments": "Assessments were timely; risk, and the adult's capacity to refuse help, "
    "were not assessed.",
    "enquiries": "Staff did not check what they were told with other agencies or the family.",
    "services": "What was offered was right at the time but was not reviewed as the adult's "
    "needs grew.",
    "wishes": "The adult's wishes are recorded, but were not weighed against the risks.",
    "identity": "The adult's age and health were known; no reasonable adjustment is recorded.",
    "senior_managers": "No: managers heard of the concerns only after the admission or death.",
    "multi_agency_policy": "In part: concerns were raised as the procedures require, but "
    "not escalated when they were closed.",
    "professional_standards": "Records met the expected standard; follow-up did not.",
    "consultation": "There was no joint discussion of the adult's care before the crisis.",
}
ANSWER_TERMS = {"policy": (3,), "wishes": (2,), "identity": (2,), "senior_managers": (3,)}
LESSONS = {
    "learning": "A concern raised or received is the start of our part, not the end of it.",
    "practice": "Good practice: prompt responses on the day. To improve: follow-up.",
    "training": "Refresher training on self-neglect, neglect and the escalation route.",
    "resources": "None beyond the time for training.",
    "partnership": "Whoever raises a concern is told its outcome, and why.",
}
ACTIONS = {
    "police": "Officers consider an adults at risk report at every call about an adult "
    "who lives alone or with a family carer.",
    "nhs": "Community staff follow up every safeguarding concern they raise.",
    "asc": "No concern is closed without checking records and telling the referrer.",
}

INTRODUCTION = (
    "The board commissioned this review after the death of {who}, aged {age}, on "
    "{died:%d %B %Y}. It brings together the management reviews of the police, the health "
    "trust and adult social care, and analyses them against the panel's terms of reference."
)
RECEIPT = {
    receipt.Item.ACTION_PLAN: "The management action plan was drawn up from the report's "
    "recommendations and agreed at the board meeting.",
    receipt.Item.AVAILABILITY: "The full report goes to board members and the agencies' "
    "safeguarding leads only; the executive summary will be published.",
    receipt.Item.DISSEMINATION: "Key findings shared at the board's learning event.",
    receipt.Item.FEEDBACK: "The chair met the family; staff were briefed through each "
    "agency's safeguarding lead; no media interest so far.",
    receipt.Item.CONTRIBUTORS: "Each agency's response to the report is recorded.",
}
Answer = ContributorResponse.Answer
RESPONSES = {
    "police": (Answer.AGREED, ""),
    "nhs": (Answer.COMMENTS, "Agrees; asks that the report notes the nursing vacancies."),
    "asc": (Answer.AGREED, ""),
}


@dataclass(frozen=True)
class Story:
    """A case. `child`: 'name | born | relationship | address', reported by the police
    and adult social care. `chronology`: per agency, entries of 'days before the death |
    source | subject | terms [| time]' then the event and 'Expected:' practice.
    `findings`: 'terms | cited entries (agency days) | text'. `recommendations`: 'agencies
    (and 'board') | terms | text'."""

    subject: str
    born: date
    step: int
    address: str
    child: str
    facts: str  # 13.4 e, and what the referral said happened
    chronology: dict[str, str]
    findings: tuple[str, ...]
    known: str = ""  # 13.4 g
    analysis: str = ""  # 13.4 h
    recommendations: tuple[str, ...] = ()
    opening: str = ""  # the summary's first words (15.1 b)
    proceedings: str = "There are no related criminal proceedings."
    weeks_since_death: int = 0  # new cases; the seed's case has its referral's date
    seeded: bool = False  # the core seed made the case


CYRIL = Story(
    subject="Cyril Mablethorpe",
    born=date(1972, 9, 23),
    step=WRITING,
    seeded=True,
    address="Flat 6, Alderley Court, Northtown NS4 2DW",
    child="Lorna Mablethorpe | 1996-04-17 | Daughter | 18 Heron Walk, Westmoor NS8 5JD",
    facts="CM lived alone with multiple sclerosis and had home care four times a day. Carers "
    "missed visits and he lost weight. A district nurse's concern about a pressure ulcer and "
    "bruising was closed after a phone call to the care agency. He was admitted with "
    "pressure ulcers and died eleven days later, aged 53.",
    chronology={
        "police": """
            470 | Command and control log | CM, LM | 1,3 | 20:15
            Call from LM, who could not reach CM. PC1 found him in bed in a cold flat; the
            evening carers had not come. Expected: a report to ASC (not met).
            200 | Command and control log; body-worn video | CM | 1,2
            Call from a neighbour: CM had fallen in the communal hallway. PC2 attended; CM
            declined hospital and said he wanted to stay in his own home. PC2 made an adults
            at risk report to ASC. Expected: report made the same day (met).
            11 | Command and control log | CM | 1,3 | 09:30
            The ambulance service reported CM admitted, neglect by carers suspected. PS1 told
            ASC. Expected: a referral to the public protection unit (not met).
            -3 | Strategy meeting minutes | CM | 3
            DS1 attended the strategy meeting after CM's death; an investigation into wilful
            neglect by the care agency was opened. Expected: opened within a day (met).
        """,
        "nhs": """
            500 | GP notes | CM | 1,2
            Annual review by GP1: CM now used a wheelchair indoors and weighed 74 kg. GP1
            asked ASC to assess his care needs. Expected: referral for assessment (met).
            260 | GP notes | CM | 1,2
            Phone consultation: CM was low and said carers were often late. GP1 started an
            antidepressant. Expected: consent sought to tell ASC (not met).
            62 | District nursing records | CM | 1,2,3 | 10:45
            DN1 found a pressure ulcer to the sacrum, bruising to both forearms and weight
            loss; CM said the lunchtime carers often did not come. DN1 raised a safeguarding
            concern with ASC by phone. Expected: concern raised the same day (met).
            45 | District nursing records | CM | 3
            DN2 found the ulcer larger and heard the concern had been closed; DN2 did not
            challenge it. Expected: disagreement escalated (not met).
            11 | ED and ward records | CM | 1,3 | 10:05
            CM admitted through the ED with pressure ulcers, dehydrated and weighing 55 kg.
            N1 raised a safeguarding concern. Expected: concern raised on admission (met).
            0 | Ward records | CM, LM | 1
            CM died on the ward with LM present.
        """,
        "asc": """
            480 | Case management system | CM | 1,2
            Referral from the GP. SW1 assessed CM, who wanted to stay in his flat: four calls
            a day agreed. Expected: assessment within 28 days (met).
            410 | Case management system | CM, LM | 1,2
            Review by SW1 with CM and LM: the care was working. Case closed. Expected: review
            within 12 weeks (met).
            200 | Adults at risk report; case notes | CM | 1,2
            Adults at risk report from the police: CM fell in the communal hallway, declined
            hospital and said he wanted to stay in his own home. SW2 phoned CM, who declined
            a review. Expected: contact within 5 working days (met).
            62 | Safeguarding log | CM | 1,3
            Safeguarding concern by phone from the district nurse: a pressure ulcer to the
            sacrum, bruising to both forearms and weight loss; CM said the lunchtime carers
            often did not come. SW2 phoned the care agency, which said every call was made.
            Closed. Expected: call records checked and the referrer told (not met).
            11 | Safeguarding log | CM, LM | 1,3
            Concerns from the ambulance service and the ward. TM1 opened an enquiry and told
            LM. Expected: enquiry within 2 working days (met).
        """,
    },
    findings=(
        "1,3 | nhs 62, asc 62, nhs 45 | The district nurse's concern was closed on the care "
        "agency's word without its call records being checked, and the closure was not "
        "challenged when the ulcer grew.",
    ),
)

FLORENCE = Story(
    subject="Florence Ashby",
    born=date(1938, 2, 11),
    step=WITH_BOARD,
    weeks_since_death=36,
    address="31 Mossbank Road, Eastby NS6 2RQ",
    child="Graham Ashby | 1962-06-02 | Son, her carer | 31 Mossbank Road, Eastby NS6 2RQ",
    facts="FA had dementia and lived with her son GA, her carer, who drank heavily. The "
    "police were called to shouting twice; a bruise was put down to a fall. Day care ended "
    "at GA's request, and a visit after the GP's concern did not see FA alone. She was "
    "found dead on her kitchen floor, aged 87.",
    chronology={
        "police": """
            520 | Command and control log | FA, GA | 1,3 | 23:10
            Shouting reported. PC1 found GA drunk and worn out caring for FA, who was
            confused but unhurt. Advice given. Expected: a risk assessment and a report to
            ASC (not met).
            460 | Command and control log | FA, GA | 1
            FA found at night two miles from home in her slippers. PC2 took her home to GA
            and made an adults at risk report to ASC. Expected: report the same day (met).
            150 | Command and control log | FA, GA | 1,3 | 22:40
            Shouting again. FA had a bruised cheek; GA said she had fallen. Log closed.
            Expected: an unexplained injury reported to ASC (not met).
            0 | Sudden death report | FA, GA | 1,3 | 07:55
            GA called: FA found cold and unresponsive on the kitchen floor. PC2 attended; DS1
            told the coroner. Expected: sudden death procedure (met).
        """,
        "nhs": """
            540 | GP notes | FA, GA | 1,2
            GP1 found FA's memory poor and referred her to the memory service; GA said he
            could manage. Expected: GA offered a carer's check (not met).
            480 | Memory service records | FA | 2
            MN1 found moderate dementia; FA wished to stay at home with GA. Expected:
            assessment within 6 weeks (met).
            250 | GP notes | FA, GA | 1
            GA asked GP1 for sleeping tablets for FA; prescribed without seeing her.
            Expected: a review before sedatives in dementia (not met).
            148 | ED records | FA, GA | 1,3
            FA seen in the ED with a bruised cheek; GA said she had tripped. Sent home without
            a safeguarding check. Expected: the cause of the injury explored (not met).
            70 | GP notes | FA, GA | 1,2,3
            GP1 found FA had lost 6 kg and was frightened of GA when he drank; she wanted to
            stay at home. GP1 raised a concern with ASC. Expected: concern raised (met).
        """,
        "asc": """
            460 | Adults at risk report; case notes | FA, GA | 1
            Adults at risk report from the police: FA found at night two miles from home in
            her slippers and taken home to GA. SW1 phoned GA, who said he was not coping.
            Expected: contact within 1 working day (met).
            430 | Case management system | FA, GA | 1,2
            SW1 arranged day care twice a week; GA said he would think about a carer's
            assessment. Expected: the offer followed up (not met).
            260 | Case management system | FA, GA | 1,2
            SW2 ended the day care at GA's request and closed the case without speaking to
            FA alone. Expected: the adult's own views heard (not met).
            68 | Safeguarding log | FA, GA | 1,3
            Concern from the GP: weight loss, and FA frightened of GA. TM1 asked SW2 to visit.
            Expected: screened within 1 working day (met).
            40 | Case management system | FA, GA | 1,2,3
            GA would not let SW2 see FA alone; no return visit was made. Expected: a manager
            considers the legal options the same day (not met).
        """,
    },
    known="All three agencies knew that FA had dementia and that GA was struggling; the "
    "police and the trust each saw an injury, and the GP and the police knew he drank.",
    analysis="Each agency acted on what it saw on the day and none put the pieces together. "
    "The carer's needs were recognised but never assessed, and FA was not seen alone.",
    findings=(
        "1,3 | police 150, nhs 148 | Two injuries days apart were each put down to a fall and "
        "not reported, so no agency saw the pattern.",
        "1 | nhs 540, asc 430 | The son's needs as a carer were recognised and never assessed.",
    ),
    recommendations=(
        "asc | 1 | A carer's assessment offered is followed up within a month.",
        "police nhs board | 1,3 | Injuries to adults with dementia are shared between agencies.",
    ),
)

HERBERT = Story(
    subject="Herbert Quayle",
    born=date(1945, 10, 28),
    step=SUMMARY,
    weeks_since_death=40,
    address="9 Tanners Row, Westmoor NS8 4LB",
    child="Judith Quayle | 1971-03-09 | Daughter | 4 Orchard Mews, Northtown NS2 6PL",
    facts="HQ lived alone in a home full of papers and rubbish, with leg ulcers he would not "
    "let nurses dress. Neighbours called the police about the smell; adult social care "
    "closed his case as a lifestyle choice. He died of sepsis, aged 79.",
    chronology={
        "police": """
            500 | Command and control log | HQ | 1
            A neighbour reported a strong smell. PC2 found the flat filled with papers and
            rubbish with no heating; HQ did not want help. PC2 made an adults at risk report
            to ASC. Expected: report the same day (met).
            420 | Command and control log | HQ | 1,3
            Second call about the smell. PC1 spoke to HQ through the door; log closed.
            Expected: a repeat call about an adult reported to ASC (not met).
            170 | Command and control log | HQ, JQ | 1 | 19:30
            JQ called: no answer for a week. PC1 forced entry; HQ was in bed with weeping
            legs and declined hospital. Expected: a report to ASC (not met).
            9 | Command and control log | HQ | 1,3
            The ambulance service reported HQ collapsed with sepsis. PS1 told ASC. Expected:
            shared the same day (met).
        """,
        "nhs": """
            470 | District nursing records | HQ | 2
            Referred by GP1 for leg ulcers, DN1 dressed them in the hallway; HQ declined more
            visits. Expected: capacity considered when care is declined (not met).
            300 | GP notes | HQ | 1
            GP1 noted poor hygiene and a smell of infection; HQ again declined the nurses.
            Expected: self-neglect shared with ASC (not met).
            165 | GP notes | HQ, JQ | 1,2
            GP1 visited after the police call: HQ declined admission and was assessed as able
            to decide. Expected: capacity recorded (met): good practice.
            90 | District nursing records | HQ, JQ | 1,3
            HQ declined care again; DN2 raised a safeguarding concern with ASC about
            self-neglect. Expected: concern raised (met).
            9 | ED and ward records | HQ | 1,3
            DN1 found HQ collapsed; admitted through the ED with sepsis. N1 raised a concern.
            Expected: concern raised on admission (met).
            0 | Ward records | HQ, JQ | 1
            HQ died on the ward with JQ present.
        """,
        "asc": """
            500 | Adults at risk report; case notes | HQ | 1
            Adults at risk report from the police: the flat filled with papers and rubbish
            with no heating; HQ did not want help. SW1 wrote to offer a visit. Expected:
            response within 5 working days (met).
            480 | Case management system | HQ | 1,2
            HQ refused an assessment on the doorstep. SW1 closed the case as a lifestyle
            choice. Expected: capacity assessed and a manager's agreement (not met).
            240 | Case management system | HQ, JQ | 1,2
            JQ phoned, worried about HQ; SW2 told her to call the GP. Expected: a relative's
            concern screened (not met).
            88 | Safeguarding log | HQ | 1,3
            Concern from the district nurse. TM1 set a meeting for six weeks later. Expected:
            a meeting within 10 working days (not met).
            9 | Safeguarding log | HQ | 3
            Concern from the ward; TM1 opened an enquiry. Expected: within 2 days (met).
        """,
    },
    known="Every agency knew that HQ's home was unsafe and that he refused help; only the "
    "trust recorded an assessment of his capacity, late in the period.",
    analysis="His refusals were taken as the end of the matter rather than the start of a "
    "plan. No agency led, and the multi-agency meeting came too late.",
    findings=(
        "1,2 | asc 480, nhs 470 | Refusals of help were accepted without an assessment of "
        "capacity or a plan to keep in touch.",
        "1,3 | police 500, police 420 | Repeated calls about the adult were not seen as a pattern.",
    ),
    recommendations=(
        "board | 1,3 | The board publishes a self-neglect protocol naming a lead agency.",
        "nhs asc | 2 | A refusal of care is followed by a recorded capacity assessment.",
    ),
    # The author's slip: the adult's first name, which the check shows.
    opening="Herbert was a retired printer who lived alone and was proud of managing.",
)

MABEL = Story(
    subject="Mabel Oddington",
    born=date(1931, 7, 19),
    step=APPROVED,
    weeks_since_death=46,
    address="2 Cobb Lane, Northtown NS3 9HF",
    child="Peter Oddington | 1957-12-01 | Son; lives abroad | ",
    facts="MO lived alone until a man she called her friend moved in as a lodger. Her son "
    "reported that her savings were being spent; the investigation closed when she would "
    "not support it. She lost weight, was admitted with pneumonia and died, aged 94.",
    chronology={
        "police": """
            510 | Command and control log | MO, PO | 1
            Call from PO: a man had moved into MO's bungalow and her account was nearly
            empty. PC1 visited; MO said the man was her friend. PC1 made a report to ASC.
            Expected: report the same day (met).
            440 | Crime report | MO | 1,3
            The bank reported 9,000 pounds withdrawn in two months. MO would not support a
            prosecution; DC1 closed the case. Expected: ASC consulted first (not met).
            200 | Command and control log | MO | 1 | 21:15
            MO seen in the garden in her nightdress at dusk; PC2 took her in. Expected: a
            report to ASC (not met).
            14 | Crime report | MO, PO | 1,3
            The hospital reported MO admitted underweight; the lodger had left with her card.
            DC1 opened a fraud investigation. Expected: opened the same day (met).
        """,
        "nhs": """
            540 | GP notes | MO | 1
            Annual review by GP1: MO well and living alone, weight 61 kg. Expected: annual
            review over 75 (met).
            460 | GP notes | MO | 1,2
            MO came with the lodger, who answered for her; GP1 did not see her alone.
            Expected: seen alone when another speaks for her (not met).
            300 | GP notes | MO | 1
            The lodger cancelled MO's blood test; no new date offered. Expected: the patient
            contacted (not met).
            120 | GP notes | MO | 1,2,3
            GP2 found MO weighing 48 kg in a cold house and raised a concern with ASC about
            neglect by the lodger. Expected: concern raised the same day (met).
            14 | ED and ward records | MO | 1,3
            MO admitted through the ED with pneumonia, weighing 44 kg. N1 raised a concern.
            Expected: concern raised on admission (met).
            0 | Ward records | MO, PO | 1
            MO died on the ward with PO present.
        """,
        "asc": """
            510 | Adults at risk report; case notes | MO, PO | 1
            Adults at risk report from the police: PO said a man had moved into MO's bungalow
            and her account was nearly empty; MO said he was her friend. SW1 phoned MO.
            Expected: contact within 1 working day (met).
            470 | Case management system | MO | 1,2
            SW1 saw MO alone; she said the lodger helped her. Her capacity to manage money was
            not assessed; closed. Expected: capacity assessed (not met).
            260 | Finance team records | MO | 1
            The lodger asked for a financial assessment for MO; the forms never came back.
            Expected: followed up with the adult (not met).
            117 | Safeguarding log | MO | 1,3
            Concern from the GP. SW2 visited three weeks later; the lodger said MO was asleep.
            Expected: a visit within 5 working days, the adult seen (not met).
            14 | Safeguarding log | MO, PO | 1,3
            Concern from the ward; TM1 held a strategy meeting and told PO. Expected: within
            2 working days (met).
        """,
    },
    known="The police, the practice and adult social care each knew of the lodger; the bank "
    "and the son showed money was being taken months before her admission.",
    analysis="Her word that the lodger was a friend was accepted by every agency, and no one "
    "assessed whether she understood what was happening to her money.",
    findings=(
        "1,3 | police 440, asc 470 | Financial abuse was reported twice and closed each time "
        "without an assessment of the adult's capacity to manage her money.",
    ),
    recommendations=(
        "police asc | 1,3 | Reports of financial abuse lead to a joint visit and a capacity "
        "assessment.",
    ),
    opening="The adult was a widow in her nineties who lived alone in her own home.",
    proceedings="A fraud investigation into the former lodger is open; the police agree the "
    "summary names no one and may be released.",
)

ERNEST = Story(
    subject="Ernest Pennyworth",
    born=date(1950, 1, 8),
    step=RELEASED,
    weeks_since_death=52,
    address="Flat 11, Ridley House, Eastby NS6 1AZ",
    child="Carol Pennyworth | 1978-05-22 | Daughter | 27 Sedge Close, Eastby NS6 4TT",
    facts="EP had a mild learning disability and diabetes and lived alone after his mother's "
    "death. He struggled with insulin, was once taken for drunk, and waited months for an "
    "assessment. He was found unresponsive at home and died, aged 75.",
    chronology={
        "police": """
            480 | Command and control log | EP | 1 | 16:20
            A shop called: EP confused and sweating in the doorway. PC1 took him for drunk
            and drove him home. Expected: a medical cause considered (not met).
            400 | Command and control log | EP, CP | 1
            CP reported EP missing overnight. PC2 found him confused at the bus station; his
            low blood sugar was treated at the scene. PC2 made a report to ASC. Expected:
            report the same day (met).
            180 | Command and control log | EP | 1,3
            Shouting at night: PC1 found EP agitated and hungry. Log closed. Expected: a
            report to ASC (not met).
            6 | Command and control log | EP, CP | 1 | 11:10
            CP found EP unresponsive at home. Officers attended with the ambulance service.
            Expected: attendance within the graded time (met).
        """,
        "nhs": """
            530 | GP notes | EP | 1,2
            GP1 found EP struggling with insulin since his mother's death and referred him to
            the diabetes nurse. Expected: referral within 2 weeks (met).
            460 | Diabetes nursing records | EP | 1,2
            DSN1 showed EP an insulin pen; he said he would manage. Expected: an easy read
            plan for a learning disability (not met).
            250 | Diabetes nursing records | EP | 1,2
            No readings for weeks; EP declined daily nurse visits. Expected: capacity
            considered (not met).
            150 | GP notes | EP, CP | 1,3
            CP told GP1 that EP was losing weight and missing insulin. GP1 wrote to ASC for an
            assessment. Expected: a safeguarding concern considered (not met).
            6 | ED and ward records | EP, CP | 1
            EP admitted through the ED, severely unwell from high blood sugar; he died the
            same day with CP present. Expected: concern raised on admission (met).
        """,
        "asc": """
            400 | Adults at risk report; case notes | EP, CP | 1
            Adults at risk report from the police: EP missing overnight and found confused at
            the bus station; his low blood sugar was treated at the scene. SW1 phoned CP.
            Expected: contact within 1 working day (met).
            380 | Case management system | EP, CP | 1,2
            SW1 assessed EP, who wanted to live independently: help with shopping twice a
            week. Expected: assessment within 28 days (met).
            210 | Case management system | EP | 1
            The support provider withdrew; SW2 put EP on a waiting list. Expected: support
            not ended without a review (not met).
            140 | Case management system | EP, CP | 1,3
            The GP's letter asking for an assessment went on the waiting list for 12 weeks.
            Expected: a risk to health screened within 1 working day (not met).
            6 | Safeguarding log | EP | 3
            Concern from the ward; TM1 opened an enquiry. Expected: within 2 days (met).
        """,
    },
    known="All three agencies knew he could not manage insulin alone; his daughter told the "
    "GP, and the GP told adult social care, five months before his death.",
    analysis="Support was offered in ways he could not use, and a request for assessment "
    "waited on a list with no one weighing the risk.",
    findings=(
        "1,3 | nhs 150, asc 140 | A request for assessment that described a risk to health "
        "waited on a list without being screened.",
    ),
    recommendations=(
        "nhs | 2 | Diabetes care for adults with a learning disability uses easy read plans.",
        "asc board | 1 | Waiting lists for assessment are screened weekly for risk.",
    ),
    opening="The adult was a retired man with a learning disability who lived alone.",
)

ALBERT = Story(
    subject="Albert Fennimore",
    born=date(1944, 6, 3),
    step=RELEASED,
    weeks_since_death=60,
    address="7 Linnet Terrace, Westmoor NS8 3RG",
    child="Susan Fennimore | 1970-09-12 | Daughter | 5 Larch Gardens, Westmoor NS8 2QE",
    facts="AF lived alone after a stroke and fell often. The police twice found him on the "
    "floor; he went home from hospital without a care assessment, and a concern about his "
    "falls was screened out. He was found on his kitchen floor with a broken hip and died "
    "in hospital, aged 81.",
    chronology={
        "police": """
            430 | Command and control log | AF | 1 | 14:05
            A passer-by called: AF had fallen in the street and could not get up. PC1
            helped him home; he said he was fine. Expected: a report to ASC about repeated
            falls (not met).
            300 | Command and control log | AF, SF | 1,3
            SF called: AF was not answering. PC2 found him on the floor, where he had lain
            overnight, and called an ambulance. PC2 made an adults at risk report to ASC.
            Expected: report the same day (met).
            8 | Command and control log | AF, SF | 1 | 08:20
            SF found AF cold and confused on the kitchen floor. Officers attended with the
            ambulance service. Expected: attendance within the graded time (met).
        """,
        "nhs": """
            460 | GP notes | AF | 1,2
            GP1 saw AF after a stroke: weak on his left side and unsteady on his feet. GP1
            referred him to the falls clinic. Expected: a falls assessment asked for (met).
            380 | GP notes | AF | 1
            AF missed his falls clinic appointment; no new date was offered. Expected: the
            patient contacted (not met).
            300 | ED and ward records | AF, SF | 1,2,3
            AF admitted through the ED after a long lie on the floor. He wished to go home
            and was discharged two days later without a care assessment. Expected:
            discharge planned with ASC (not met).
            120 | District nursing records | AF | 1,3
            DN2 found AF bruised from falls, with his alarm pendant in a drawer, and raised
            a safeguarding concern with ASC. Expected: concern raised the same day (met).
            8 | ED and ward records | AF, SF | 1,3
            AF admitted through the ED with hypothermia and a broken hip. N1 raised a
            safeguarding concern. Expected: concern raised on admission (met).
        """,
        "asc": """
            298 | Adults at risk report; case notes | AF, SF | 1
            Adults at risk report from the police: AF found on the floor after lying there
            overnight. SW1 phoned SF, who said the hospital was arranging care. Expected:
            contact within 1 working day (met).
            280 | Case management system | AF | 1,2
            SW1 arranged a falls alarm; AF did not want carers. Closed without a visit.
            Expected: the adult seen at home (not met).
            118 | Safeguarding log | AF | 1,3
            Concern from the district nurse: bruising from falls and the alarm unused. TM1
            screened it as needing no further action. Expected: a visit and a plan to
            reduce the risk (not met).
            7 | Safeguarding log | AF, SF | 1,3
            Concern from the ward; TM1 opened an enquiry and told SF. Expected: within 2
            working days (met).
        """,
    },
    known="The trust and adult social care both knew that he fell often and lived alone; "
    "the police had twice found him unable to get up.",
    analysis="Each fall was treated as a single event. The discharge home and the falls "
    "alarm were each taken to have dealt with the risk, and no one checked that they had.",
    findings=(
        "1,3 | nhs 120, asc 118 | A concern about repeated falls was screened out without a "
        "visit, and the unused alarm was taken as the adult's choice.",
    ),
    recommendations=(
        "asc | 1,3 | A concern about falls at home is followed by a visit and a written plan.",
        "nhs board | 1 | A missed falls appointment of an adult who lives alone is followed up.",
    ),
    opening="The adult was a retired engineer who lived alone after a stroke.",
)

DORIS = Story(
    subject="Doris Wakefield",
    born=date(1952, 2, 17),
    step=RELEASED,
    weeks_since_death=70,
    address="22 Wherry Street, Eastby NS6 5HL",
    child="Martin Wakefield | 1979-11-30 | Son | 12 Kestrel Way, Eastby NS6 3PN",
    facts="DW had lung disease, used oxygen at home and went on smoking. Burn marks, a "
    "burned hand and a smouldering chair were each dealt with on the day, and adult social "
    "care closed her case as her choice. She died in a fire at her home, aged 73.",
    chronology={
        "police": """
            410 | Command and control log | DW | 1 | 02:40
            A neighbour reported a smoke alarm sounding. PC1 found a smouldering chair and
            DW smoking beside her oxygen. Advice given. Expected: a report to ASC (not met).
            220 | Command and control log | DW, MW | 1,3
            MW called: DW had burned her hand lighting a cigarette. PC2 attended and made an
            adults at risk report to ASC. Expected: report the same day (met).
            0 | Command and control log | DW, MW | 1 | 04:15
            A house fire reported; DW found dead in her living room. DS1 attended with the
            fire service. Expected: sudden death procedure (met).
        """,
        "nhs": """
            500 | GP notes | DW | 1,2
            GP1 arranged oxygen at home for DW's lung disease; she said she had stopped
            smoking. Expected: smoking asked about before oxygen is prescribed (met).
            350 | District nursing records | DW | 1,2
            DN1 smelt smoke and saw burn marks on the carpet near the oxygen; DW said she
            smoked only outside. Expected: the fire risk shared with ASC (not met).
            219 | ED records | DW, MW | 1,3
            DW seen in the ED with a burned hand; nobody asked about the oxygen. Expected:
            the cause of the burn explored (not met).
            90 | GP notes | DW, MW | 1,2,3
            MW told GP1 that DW smoked with her oxygen running; GP1 raised a concern with
            ASC. Expected: concern raised (met).
        """,
        "asc": """
            218 | Adults at risk report; case notes | DW, MW | 1
            Adults at risk report from the police: DW burned her hand lighting a cigarette.
            SW1 phoned DW, who said it would not happen again. Expected: contact within 1
            working day (met).
            200 | Case management system | DW | 1,2
            SW1 closed the case: DW was able to choose to smoke. Expected: a plan to reduce
            the risk agreed with her (not met).
            88 | Safeguarding log | DW, MW | 1,3
            Concern from the GP. SW2 visited and offered fire-safe bedding; DW declined.
            Expected: a meeting of the agencies involved (not met).
            0 | Safeguarding log | DW, MW | 3
            The police reported DW's death in a fire; TM1 opened an enquiry. Expected:
            within 2 working days (met).
        """,
    },
    known="All three agencies knew that DW smoked and used oxygen at home; the police and "
    "the trust had each seen signs of fire.",
    analysis="Her right to choose to smoke was treated as the end of the matter, when the "
    "question was how to make that choice safer. No agency asked for a fire safety visit.",
    findings=(
        "1,3 | police 410, nhs 350 | The danger of smoking near oxygen was seen twice and "
        "shared with no one, so no plan to reduce it was made.",
    ),
    recommendations=(
        "asc nhs | 1,3 | Adults who smoke and use oxygen at home have a fire risk plan agreed "
        "with them.",
    ),
    opening="The adult was a retired school cook who lived with her son.",
)

STORIES = [CYRIL, FLORENCE, HERBERT, MABEL, ERNEST, ALBERT, DORIS]


def _fields(text: str) -> list[str]:
    return [part.strip() for part in text.split("|")]


def _numbers(text: str) -> list[int]:
    return [int(n) for n in text.split(",")]


def _entries(text: str) -> list[Entry]:
    """A chronology as the stories write it (see Story)."""
    entries = []
    for line in textwrap.dedent(text).strip().splitlines():
        if "|" not in line:
            entries[-1] = replace(entries[-1], event=f"{entries[-1].event} {line}".strip())
            continue
        before, source, subject, terms, *at = _fields(line)
        at = time.fromisoformat(at[0]) if at else None
        entries.append(Entry(int(before), source, subject, "", terms=tuple(_numbers(terms)), at=at))
    return [
        replace(entry, event=event.strip(), expected=expected.strip())
        for entry in entries
        for event, _, expected in [entry.event.partition("Expected:")]
    ]


def _gap_notes(key: str, entries: list[Entry], who: str, died: date, period, months: int):
    """An entry explaining each of the agency's gaps in contact (Appendix C)."""
    days = [died - timedelta(days=entry.before) for entry in entries]
    source, text = GAP_NOTES[key]
    gaps = checks.gaps(days, [], threshold_months=months, period=period)
    return [
        Entry((died - gap.start).days, source, who, text.format(who=who), explains_gap=True)
        for gap in gaps
    ]


@register
def demo_overviews(world: DemoWorld) -> None:
    """The seven cases, once each (see the module's docstring)."""
    teams = {key: imr_demo._team(world, world.agencies[key], TEAMS[key]) for key in AGENCIES}
    for story in STORIES:
        case = Case.objects.filter(board=world.board, subject_name=story.subject).first()
        if story.seeded:
            # Only as the seed leaves it: commissioned, with the panel demo's terms.
            ready = case is not None and case.stage == Stage.REVIEW_COMMISSIONED
            if not ready or case.imrs.exists() or not TermsOfReference.objects.filter(case=case):
                continue
        elif case is not None:
            continue
        with transaction.atomic():
            case = case or _refer(world, story)
            _take(world, case, story, teams)
        world.cases[case.reference] = Case.objects.get(pk=case.pk)


def _refer(world: DemoWorld, story: Story) -> Case:
    """The referral, the chair's decisions and the panel's work, up to the commissioning
    of the review (5 to 8), by the referrer, the lead, the chair and the panel chair."""
    people = world.people
    referrer, lead, chair = (
        people[Role.REFERRER],
        people[Role.AGENCY_LEAD],
        people[Role.BOARD_CHAIR],
    )
    panel_chair = people[Role.PANEL_CHAIR]
    died = calendar.today() - timedelta(weeks=story.weeks_since_death)
    facts = {
        "subject_name": story.subject,
        "subject_date_of_birth": story.born,
        "subject_died": True,
        "subject_date_of_death": died,
        "subject_address": story.address,
        "subject_ethnicity": "White British",
        "what_happened": story.facts,
        "abuse_or_neglect": Referral.AbuseOrNeglect.SUSPECTED,
        "concern_working_together": True,
        "believes_3_1": True,
    }
    referral = referral_services.referral_start(by=referrer)
    agencies = [world.agencies[key] for key in AGENCIES]
    referral_services.referral_save(
        referral_id=referral.pk, by=referrer, data=facts, agencies=agencies
    )
    referral_services.referral_submit(referral_id=referral.pk, by=referrer)
    case = referral_services.referral_endorse(referral_id=referral.pk, by=lead).case
    ids = {"case_id": case.pk}
    reasons = "The adult died and neglect is suspected: the criteria of 3.1 are met."
    Decision = panel_services.Decision
    panel_services.chair_decision_record(
        **ids, by=chair, decision=Decision.PANEL, reasons=reasons, panel_chair=panel_chair
    )
    for user in (panel_chair, people[Role.PANEL_MEMBER], lead):
        kind = PanelMembership.Kind.REPRESENTATIVE
        panel_services.panel_member_add(**ids, by=panel_chair, user=user, kind=kind)
    period = {"period_from": calendar.add_months(died, -18), "period_to": died}
    panel_services.terms_of_reference_save(**ids, by=panel_chair, terms=TERMS, final=True, **period)
    panel_services.panel_recommendation_record(
        **ids, by=panel_chair, choice="full_review", reasons=reasons
    )
    panel_services.chair_decision_record(
        **ids, by=chair, decision=Decision.REVIEW, reasons="The panel's reasons are agreed."
    )
    return case


def _take(world: DemoWorld, case: Case, story: Story, teams: dict) -> None:
    """From the commissioned review to the story's step, each step by its own person."""
    coordinator = world.people[Role.COORDINATOR]
    author = world.people[Role.OVERVIEW_AUTHOR]
    case_services.case_assign(
        case_id=case.pk, user=author, role=Role.OVERVIEW_AUTHOR, by=coordinator
    )
    today = calendar.today()
    imr_services.imr_commission(
        case_id=case.pk,
        by=coordinator,
        agency_ids=[world.agencies[key].pk for key in AGENCIES],
        chronology_due=today + timedelta(weeks=3),
        report_due=today + timedelta(weeks=10),
    )
    died = imr_demo._date_of_death(case)
    for key in AGENCIES:
        _review(world, case, key, story, teams[key], died)
    _write_overview(world, case, story, died)
    if story.step > WRITING:
        _receive(world, case, complete=story.step > WITH_BOARD)
    if story.step > WITH_BOARD:
        _summary(world, case, story)


def _family(story: Story, key: str, died: date) -> dict:
    """Section 2 as the agency knows the family: the police and adult social care know
    the adult's child, so the overview suggests merging their two accounts."""
    name, born, detail, address = _fields(story.child)
    child = {"id": "child", "relationship": "child", "relationship_detail": detail}
    child |= {"name": name, "dob": born, "address": address, "ethnicity": "White British"}
    subject = {"name": story.subject, "dob": story.born.isoformat(), "dod": died.isoformat()}
    subject |= {"address": story.address, "ethnicity": "White British"}
    people = [child] if key in ("police", "asc") else []
    return {"subject": subject, "people": people, "other_addresses": ""}


def _review(world: DemoWorld, case: Case, key: str, story: Story, team: dict, died) -> None:
    """One agency's review: nominated, written, countersigned and accepted by the panel."""
    ids = {"case_id": case.pk, "agency_id": world.agencies[key].pk}
    author, director = team["author"], team["director"]
    imr_services.imr_nominate(
        **ids,
        by=team["lead"],
        author=author,
        author_designation=author.job_title,
        author_suitability=TEAMS[key].author_suitability,
        author_independent=True,
        director=director,
        director_designation=director.job_title,
    )
    imr_services.imr_appraisal_record(**ids, by=author, needed=False)
    family = _family(story, key, died)
    drafting.imr_section_update(
        **ids, by=author, key=Section.FAMILY, change=lambda old: family, revision=None
    )
    who, entries = initials(story.subject), _entries(story.chronology[key])
    period, months = terms_of_reference(case)[2], case.board.chronology_gap_months
    for entry in entries + _gap_notes(key, entries, who, died, period, months):
        drafting.chronology_entry_save(**ids, by=author, values=imr_demo._values(entry, died))
    for kind, code, meaning, worker_name in GLOSSARY[key]:
        drafting.glossary_entry_save(
            **ids, by=author, kind=kind, code=code, meaning=meaning, worker_name=worker_name
        )
    imr_services.imr_submit(**ids, by=author, part=Part.CHRONOLOGY)
    imr_services.imr_countersign(**ids, by=director)
    overview = (
        f"{WHO[key]} had {len(entries)} contacts with {who} in the period of the review, set "
        "out in the chronology and analysed here against the terms of reference."
    )
    answers = {"summary": overview} | {k: t.format(who=WHO[key]) for k, t in ANSWERS.items()}
    sources, other_sources = SOURCES[key]
    action = ("Brief every team and audit a sample each quarter.", "Quarterly audit reports.")
    report = Report(
        sources=sources,
        other_sources=other_sources,
        analysis={k: (text, ANSWER_TERMS.get(k, (1,))) for k, text in answers.items()},
        lessons=LESSONS,
        recommendations=[(ACTIONS[key], [(*action, "At least 90% of cases audited comply.", 26)])],
    )
    imr_demo._write_report(ids, author, director, report)
    imr_services.imr_submit(**ids, by=author, part=Part.REPORT)
    imr_services.imr_countersign(**ids, by=director)
    comments = "A candid chronology and analysis against every term. Accepted."
    panel_chair = world.people[Role.PANEL_CHAIR]
    imr_services.imr_panel_review(**ids, by=panel_chair, accept=True, comments=comments)


def _write_overview(world: DemoWorld, case: Case, story: Story, died: date) -> None:
    """13: begun by the coordinator; the author links duplicates, merges the family and
    writes. At the first step only part of it, and nothing submitted."""
    ids = {"case_id": case.pk, "by": world.people[Role.OVERVIEW_AUTHOR]}
    done = story.step > WRITING
    overview = overview_services.overview_start(case_id=case.pk, by=world.people[Role.COORDINATOR])
    age = age_on(story.born, died)
    sections = {
        Key.INTRODUCTION: INTRODUCTION.format(who=initials(story.subject), age=age, died=died),
        Key.FACTS: story.facts,
        Key.KNOWN: story.known,
        Key.ANALYSIS: story.analysis,
    }
    for key, text in sections.items():
        if text:
            overview_services.overview_section_save(**ids, key=key, text=text, revision=None)
    # The same event from two agencies: one linked at the first step, the rest left
    # suggested; all linked later.
    linked = 0
    while (pairs := duplicate_suggestions(overview)) and (done or not linked):
        overview_entry_link(**ids, entry_id=pairs[0].second.pk, same_as_id=pairs[0].first.pk)
        linked += 1
    while done and (suggestions := merge_suggestions(overview)):
        family_merge(**ids, keep_id=suggestions[0].first.pk, merge_id=suggestions[0].second.pk)
    agencies, rows = world.agencies, overview.entries.filter(explains_gap=False)
    for finding in story.findings:
        terms, cited, text = _fields(finding)
        entry_ids = []
        for agency_days in cited.split(","):
            key, before = agency_days.split()
            day = died - timedelta(days=int(before))
            entry_ids += rows.filter(agency=agencies[key], date=day).values_list("pk", flat=True)
        overview_services.finding_save(
            **ids, text=text, term_numbers=_numbers(terms), entry_ids=entry_ids
        )
    for recommendation in story.recommendations:
        keys, terms, text = _fields(recommendation)
        overview_services.recommendation_save(
            **ids,
            text=text,
            for_board="board" in keys.split(),
            agency_ids=[agencies[key].pk for key in keys.split() if key != "board"],
            term_numbers=_numbers(terms),
        )
    if done:
        overview_services.overview_submit(**ids)


def _receive(world: DemoWorld, case: Case, *, complete: bool) -> None:
    """14: the coordinator records the contributors' responses and the receipt: part of
    it while the report is with the board, all of it once received."""
    ids = {"case_id": case.pk, "by": world.people[Role.COORDINATOR]}
    for key in AGENCIES if complete else AGENCIES[:2]:
        answer, comments = RESPONSES[key]
        agency_id = world.agencies[key].pk
        receipt.contributor_response_record(
            **ids, agency_id=agency_id, answer=answer, comments=comments
        )
    for item in list(RECEIPT)[: None if complete else 2]:
        receipt.receipt_item_record(**ids, key=item, note=RECEIPT[item])


def _summary(world: DemoWorld, case: Case, story: Story) -> None:
    """15: drafted by the author from the report; then agreed by the panel, approved by
    the chair with its release date and a family copy, and released on the date."""
    people, ids = world.people, {"case_id": case.pk}
    author = people[Role.OVERVIEW_AUTHOR]
    draft = summary.summary_start(**ids, by=author)
    summary.summary_save(
        **ids,
        by=author,
        process=draft.process,
        key_issues=f"{story.opening}\n\n{draft.key_issues}",
        recommendations=draft.recommendations,
        revision=draft.revision,
    )
    if story.step == SUMMARY:
        return
    today = calendar.today()
    summary.summary_send_to_panel(**ids, by=author)
    summary.summary_panel_decide(**ids, by=people[Role.PANEL_CHAIR], agree=True)
    summary.summary_approve(
        **ids,
        by=people[Role.BOARD_CHAIR],
        criminal_proceedings=story.proceedings,
        release_date=today + timedelta(weeks=4) if story.step == APPROVED else today,
        media_note="Enquiries go to the board's office; the chair speaks for the board.",
    )
    name = _fields(story.child)[0]
    email = f"{name.lower().replace(' ', '.')}@example.org"
    summary.summary_recipient_add(**ids, by=people[Role.COORDINATOR], name=name, email=email)
    if story.step == RELEASED:
        summary.summary_release_due(today=today)
        summary.summary_copies_send(summary_id=draft.pk)
