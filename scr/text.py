"""Words in free text, as two stages read it: the IMR's name check (imr.checks) and the
overview's redaction check (overview.redaction); and people's names as compared (the
overview's family, the search for a case by the adult's name). Which capitalised words are not names
(titles, the calendar, services, everyday words), and the words of a text with their
positions.
"""

import re
import unicodedata


def word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


TITLES = word_set(
    "mr mrs ms miss mx dr prof professor sir dame lady lord rev revd reverend cllr sgt pc dc "
    "ds di dci insp inspector sergeant constable officer nurse sister doctor matron"
)

# Words often capitalised in chronology text that are not names. Not exhaustive: the author
# confirms the rest (a place, an agency) once and the check remembers.
STOP_WORDS = TITLES | word_set(
    # days and months
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur "
    "thurs fri sat sun january february march april may june july august september october "
    "november december jan feb mar apr jun jul aug sep sept oct nov dec "
    # the calendar
    "bank holiday christmas easter new year eve boxing day weekend "
    # services and the procedure
    "police nhs council hospital ward gp social care services service adult adults "
    "safeguarding board panel review court team trust unit centre center road street lane "
    "avenue close drive way house home practice surgery clinic health mental housing "
    "ambulance fire rescue department agency authority county city borough district "
    "community primary secondary emergency probation prison magistrates crown coroner act "
    "section order protection liberty deprivation safeguards capacity assessment plan "
    "meeting conference strategy referral report chronology terms reference individual "
    "management serious case general royal university infirmary medical nursing "
    "residential support worker manager coordinator chair author partnership children "
    "family duty desk hub front door office contact centre national local government "
    "department work pensions benefits universal credit job jobcentre plus "
    "appendix paragraph part stage chapter regulation schedule note notes outcome action "
    "event source subject relevance expected standards "
    # people by relationship: the way the procedure asks them to be named
    "mum mother dad father brother sister son daughter wife husband partner carer nan "
    "grandmother grandfather grandson granddaughter aunt uncle niece nephew cousin friend "
    "neighbour landlord tenant client patient resident person service user "
    # nationalities, languages, faiths
    "english british welsh scottish irish european polish romanian christian muslim jewish "
    "hindu sikh buddhist catholic church mosque synagogue temple "
    # other everyday capitals
    "internet email phone telephone text whatsapp facebook zoom teams"
)

# Everyday words, and the chronology's own vocabulary, that authors capitalise ('Home
# Visit', 'Telephone Call', 'Later'): not names.
ORDINARY_WORDS = word_set(
    "a an the and or but if then than that this these those there their they them he she "
    "his her him it its we our us you your i my me on in at to of for from by with without "
    "into onto over under after before during following later earlier when while where "
    "who whom whose which what why how as also however further both each every all any no "
    "not none one two three four five some many more most other another same such only "
    "just still yet again already soon today tomorrow yesterday morning afternoon evening "
    "night next last first second third was were is are be been being had has have do did "
    "does done said says told asked called visited seen saw met attended spoke noted "
    "staff records record letter visit call contact discharge discharged admission "
    "admitted appointment missed cancelled advice concern concerns incident alert "
    "agreed declined refused reported referred received sent completed closed opened "
    "yes ok please urgent"
)

LETTERS = r"[^\W\d_]"  # a letter in any alphabet
# A word of letters, joined by apostrophes or hyphens: O'Neil, Quenby-Marsh.
WORD = re.compile(rf"{LETTERS}+(?:['\-]{LETTERS}+)*")
# One-for-one replacements, so positions in the copy are positions in the original text.
SAME_LENGTH = str.maketrans({"\u2019": "'", "\u2018": "'", "\u2010": "-", "\u2011": "-"})


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of each word, a possessive 's left off: Oakes's is Oakes."""
    found = []
    for match in WORD.finditer(text):
        start, end, word = match.start(), match.end(), match.group()
        if word.endswith("'s"):
            end, word = end - 2, word[:-2]
        found.append((start, end, word))
    return found


def words_of(text: str) -> list[str]:
    return [word for _, _, word in words(text.translate(SAME_LENGTH))]


def name_words(name: str) -> list[str]:
    """The words of a name as compared: case, accents, apostrophes (straight or curly)
    and punctuation do not count, and a hyphen is a space ("Quenby-Marsh")."""
    text = unicodedata.normalize("NFKD", name).casefold()
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"['’‘`ʼ]", "", text)
    return re.findall(r"[^\W_]+", text)


def name_key(name: str) -> str:
    """Spaces do not count either: agencies write "Mary Jane", "Mary-Jane", "Maryjane"."""
    return "".join(name_words(name))


def name_matches(query: str, name: str) -> bool:
    """Each word of `query` is in `name`, in any order and part of a word will do, as
    name_key compares them: 'zoe o'neil' finds Zoë O’Neil, 'mary jane' finds Mary-Jane."""
    words = name_words(query)
    key = name_key(name)
    return bool(words) and all(word in key for word in words)
