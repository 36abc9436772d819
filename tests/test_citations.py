"""Tests for imrlint.parsing.citations: the structure parse_guideline reads from real guideline fields.

The guideline fields are read straight from the 68 bundled real letters (tests/data/letters: seeds and the
2016-17 corpus); a checkout without them fails rather than skips, since those letters are the
grammar's specification.
"""

from __future__ import annotations

import functools
import itertools
import re

import lark
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imrlint.input.document import Document
from imrlint.knowledge.catalogue import Catalogue
from imrlint.model.letter import build_letter
from imrlint.parsing.choice import PARSER_VARIABLE
from imrlint.parsing.citations import (
    ChapterCitation,
    GuidelineCitations,
    Located,
    PageRange,
    _lean_parser,
    parse_guideline,
)
from imrlint.resources import data_path

from conftest import real_letters

_FIELD_KEY = re.compile(r"^\s*(Claims Administrator guideline|MAXIMUS guideline|Decision rationale):", re.IGNORECASE)


def guideline_fields(text: str) -> list[str]:
    """The guideline fields of a letter, whitespace collapsed: from each "... guideline:" key to
    the next field key, continuation lines, blank lines and page breaks included."""
    fields: list[list[str]] = []
    current: list[str] | None = None
    for line in text.replace("\ufeff", "").splitlines():
        key = _FIELD_KEY.match(line)
        if key:
            current = [line[key.end() :]] if "guideline" in key.group(1).lower() else None
            if current is not None:
                fields.append(current)
        elif current is not None:
            current.append(line)
    return [" ".join(" ".join(lines).split()) for lines in fields]


@pytest.fixture(scope="module")
def corpus_fields() -> list[tuple[str, str]]:
    """(letter file name, field text) for every guideline field of the bundled letters."""
    return [
        (path.name, field) for path in real_letters() for field in guideline_fields(path.read_text(encoding="utf-8"))
    ]


def pieces(citations: GuidelineCitations):
    """Every Located and PageRange in a result, with the chapters themselves."""
    for chapter in citations.chapters:
        yield chapter
        yield from (
            piece for piece in (chapter.name, chapter.edition, chapter.topic, chapter.section_text) if piece is not None
        )
        yield from chapter.sections
        yield from chapter.pages
    yield from citations.non_mtus
    yield from (
        piece for piece in (citations.no_evidence, citations.outside_mtus, citations.error) if piece is not None
    )


# --- the real letters ---------------------------------------------------------------------------------


@pytest.mark.corpus
def test_every_corpus_guideline_field_parses(corpus_fields):
    assert len(corpus_fields) == 314  # two fields for each of the 157 items
    failures = []
    for name, field in corpus_fields:
        citations = parse_guideline(field)
        if citations.error is not None or citations.source == "unknown":
            failures.append((name, field, citations.error))
    assert failures == []


@pytest.mark.corpus
def test_corpus_offsets_point_at_their_text(corpus_fields):
    for _, field in corpus_fields:
        citations = parse_guideline(field)
        for piece in pieces(citations):
            assert 0 <= piece.start < piece.end <= len(field)
            if isinstance(piece, Located):
                assert field[piece.start : piece.end] == piece.text


@pytest.mark.corpus
def test_corpus_sources(corpus_fields):
    counts: dict[str, int] = {}
    for _, field in corpus_fields:
        source = parse_guideline(field).source
        counts[source] = counts.get(source, 0) + 1
    assert counts == {"mtus": 202, "non-mtus": 60, "none": 52}


@pytest.mark.corpus
def test_every_corpus_section_is_known_but_the_misspelt_one(corpus_fields):
    catalogue = Catalogue.load()
    unknown = []
    for name, field in corpus_fields:
        for chapter in parse_guideline(field).chapters:
            edition = (
                catalogue.edition(catalogue.find_chapter(chapter.name.text), int(chapter.edition.text))
                if chapter.edition
                else None
            )
            for section in chapter.sections:
                if catalogue.find_section(edition, section.text) is None:
                    unknown.append((name, chapter.name.text, section.text))
    assert unknown == [("CM17-0002198.txt", "Low Back Complaints", "Inital Care")]


# --- exact structure of representative lines ------------------------------------------------------------


class Cursor:
    """Finds the expected pieces of a line in reading order, so expectations state their offsets."""

    def __init__(self, text: str):
        self.text = text
        self.position = 0

    def at(self, part: str) -> Located:
        start = self.text.index(part, self.position)
        self.position = start + len(part)
        return Located(part, start, self.position)

    def pages(self, *parts: str) -> tuple[PageRange, ...]:
        ranges = []
        for part in parts:
            piece = self.at(part)
            numbers = [int(number) for number in re.findall(r"\d+", part)]
            ranges.append(PageRange(numbers[0], numbers[-1], piece.start, piece.end))
        return tuple(ranges)


def chapter(name, edition=None, topic=None, section_text=None, sections=(), pages=()) -> ChapterCitation:
    last = max(piece.end for piece in (name, edition, topic, section_text, *sections, *pages) if piece is not None)
    return ChapterCitation(name, edition, topic, tuple(sections), section_text, tuple(pages), name.start, last)


def citations(source, chapters=(), non_mtus=(), no_evidence=None, outside_mtus=None, error=None) -> GuidelineCitations:
    return GuidelineCitations(source, tuple(chapters), tuple(non_mtus), no_evidence, outside_mtus, error)


def test_chained_chapters_with_and_and_a_chapter_name_with_commas():
    text = (
        "Decision based on MTUS Shoulder Complaints 2004, Section(s): Initial Care, and Elbow Complaints 2007, "
        "and Forearm, Wrist, and Hand Complaints 2004. Decision based on Non-MTUS Citation Official Disability "
        "Guidelines (ODG), Shoulder (updated 12/12/16), Physical therapy; ODG Forearm, Wrist and Hand (updated "
        "12/20/16), Physical therapy."
    )
    c = Cursor(text)
    shoulder = chapter(
        c.at("Shoulder Complaints"), c.at("2004"), section_text=(care := c.at("Initial Care")), sections=[care]
    )
    elbow = chapter(c.at("Elbow Complaints"), c.at("2007"))
    hand = chapter(c.at("Forearm, Wrist, and Hand Complaints"), c.at("2004"))
    reference = c.at(
        "Official Disability Guidelines (ODG), Shoulder (updated 12/12/16), Physical therapy; ODG Forearm, Wrist and "
        "Hand (updated 12/20/16), Physical therapy"
    )
    assert parse_guideline(text) == citations("mtus", [shoulder, elbow, hand], non_mtus=[reference])
    assert (hand.name.start, hand.end) == (106, 146)


def test_section_lists_end_at_the_next_chapter():
    text = (
        "Decision based on MTUS Elbow Complaints 2007, Section(s): Diagnostic Criteria, and Forearm, Wrist, and "
        "Hand Complaints 2004, Section(s): Special Studies, Summary."
    )
    c = Cursor(text)
    elbow = chapter(
        c.at("Elbow Complaints"),
        c.at("2007"),
        section_text=(criteria := c.at("Diagnostic Criteria")),
        sections=[criteria],
    )
    name, year = c.at("Forearm, Wrist, and Hand Complaints"), c.at("2004")
    section_text = c.at("Special Studies, Summary")
    c.position = section_text.start
    hand = chapter(name, year, section_text=section_text, sections=[c.at("Special Studies"), c.at("Summary")])
    assert parse_guideline(text) == citations("mtus", [elbow, hand])


def test_old_style_chapters_chained_by_a_comma_after_the_pages():
    text = (
        "Decision based on MTUS ACOEM Chapter 12 Low Back Complaints Page(s): 308,Chronic Pain Treatment Guidelines "
        "OPIOIDS Page(s): 74-96. Decision based on Non-MTUS Citation Official Disability Guidelines (ODG) Pain, "
        "Opioids for Chronic Pain."
    )
    c = Cursor(text)
    low_back = chapter(c.at("ACOEM Chapter 12 Low Back Complaints"), pages=c.pages("308"))
    chronic_pain = chapter(c.at("Chronic Pain Treatment Guidelines"), topic=c.at("OPIOIDS"), pages=c.pages("74-96"))
    reference = c.at("Official Disability Guidelines (ODG) Pain, Opioids for Chronic Pain")
    assert parse_guideline(text) == citations("mtus", [low_back, chronic_pain], non_mtus=[reference])
    assert low_back.pages == (PageRange(308, 308, 69, 72),)


def test_page_list_with_a_page_pair_written_without_a_space():
    text = (
        "Decision based on MTUS Chronic Pain Treatment Guidelines Medications for chronic pain, criteria for "
        "use of "
        "opioids Page(s): 60, 61, 76-78, 88,89, 80, 81."
    )
    c = Cursor(text)
    expected = chapter(
        c.at("Chronic Pain Treatment Guidelines"),
        topic=c.at("Medications for chronic pain, criteria for use of opioids"),
        pages=c.pages("60", "61", "76-78", "88", "89", "80", "81"),
    )
    assert parse_guideline(text) == citations("mtus", [expected])


@pytest.mark.parametrize(
    ("text", "topic", "pages"),
    [
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines Muscle Relaxants Page(s): 63.",
            "Muscle Relaxants",
            ["63"],
        ),
        ("Decision based on MTUS Chronic Pain Treatment Guidelines Opioids, Page(s): 74-95.", "Opioids", ["74-95"]),
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines Opioids Page(s): 91, 76-78.",
            "Opioids",
            ["91", "76-78"],
        ),
        ("Decision based on MTUS Chronic Pain Treatment Guidelines Muscle Relaxants.", "Muscle Relaxants", []),
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines CYCLOBENZAPRINE; MUSCLE RELAXANTS Page(s): "
            "41-42, 63-66.",
            "CYCLOBENZAPRINE; MUSCLE RELAXANTS",
            ["41-42", "63-66"],
        ),
        (
            "Decision based on MTUS Chronic Pain Treatment Guidelines NSAIDs, GI symptoms & cardiovascular risk "
            "Page(s): 102.",
            "NSAIDs, GI symptoms & cardiovascular risk",
            ["102"],
        ),
    ],
)
def test_old_style_topic_and_pages(text, topic, pages):
    c = Cursor(text)
    expected = chapter(c.at("Chronic Pain Treatment Guidelines"), topic=c.at(topic), pages=c.pages(*pages))
    assert parse_guideline(text) == citations("mtus", [expected])


def test_section_names_with_commas_are_kept_whole():
    text = (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): NSAIDs (non-steroidal "
        "anti-inflammatory drugs), "
        "NSAIDs, GI symptoms & cardiovascular risk, NSAIDs, hypertension and renal function, NSAIDs, specific drug "
        "list & adverse effects."
    )
    c = Cursor(text)
    name, year = c.at("Chronic Pain Medical Treatment"), c.at("2016")
    section_text = c.at(text[text.index("NSAIDs (") : -1])
    c.position = section_text.start
    sections = [
        c.at("NSAIDs (non-steroidal anti-inflammatory drugs)"),
        c.at("NSAIDs, GI symptoms & cardiovascular risk"),
        c.at("NSAIDs, hypertension and renal function"),
        c.at("NSAIDs, specific drug list & adverse effects"),
    ]
    assert parse_guideline(text) == citations(
        "mtus", [chapter(name, year, section_text=section_text, sections=sections)]
    )


def test_numbered_opioid_sections_with_periods_colons_and_commas():
    section_1 = (
        "3.3.1.1 Opioids for Chronic Pain and Chronic Opioid Treatment: Screening for Risk of Addiction or "
        "Adverse Events, Prior to Chronic Opioid Treatment: Screening for Drug Misuse/Abuse"
    )
    section_2 = (
        "3.3.1.2 Opioids for Chronic Pain and Chronic Opioid Treatment: Screening for Risk of Addiction or "
        "Adverse Events, Prior to Chronic Opioid Treatment: Screening for Alcohol Misuse/Abuse"
    )
    text = (
        "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Tramadol (Ultram), and Opioid "
        f"Treatment 2016, Section(s): {section_1}, {section_2}."
    )
    c = Cursor(text)
    chronic_pain = chapter(
        c.at("Chronic Pain Medical Treatment"),
        c.at("2016"),
        section_text=(tramadol := c.at("Tramadol (Ultram)")),
        sections=[tramadol],
    )
    name, year = c.at("Opioid Treatment"), c.at("2016")
    section_text = c.at(f"{section_1}, {section_2}")
    c.position = section_text.start
    opioids = chapter(name, year, section_text=section_text, sections=[c.at(section_1), c.at(section_2)])
    assert parse_guideline(text) == citations("mtus", [chronic_pain, opioids])


def test_opioid_section_with_a_colon_then_a_non_mtus_reference():
    section = "3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment"
    text = (
        f"Decision based on MTUS Opioid Treatment 2016, Section(s): {section}. Decision based on Non-MTUS "
        "Citation "
        "Official Disability Guidelines (ODG), Pain (online version): Opioids, specific drug list."
    )
    c = Cursor(text)
    opioids = chapter(c.at("Opioid Treatment"), c.at("2016"), section_text=(whole := c.at(section)), sections=[whole])
    reference = c.at("Official Disability Guidelines (ODG), Pain (online version): Opioids, specific drug list")
    assert parse_guideline(text) == citations("mtus", [opioids], non_mtus=[reference])
    assert whole == Located(section, 58, 158)


def test_no_evidence_cited():
    text = "The Expert Reviewer did not cite any medical evidence for its decision."
    assert parse_guideline(text) == citations("none", no_evidence=Located(text, 0, 71))


def test_outside_the_mtus_with_a_spaced_non_mtus():
    text = (
        "The Claims Administrator based their decision on recommendation(s) outside of the MTUS Guidelines. "
        "Decision based on Non- MTUS Citation Official Disability Guidelines (ODG), Knee & Leg."
    )
    c = Cursor(text)
    outside = c.at("The Claims Administrator based their decision on recommendation(s) outside of the MTUS Guidelines.")
    reference = c.at("Official Disability Guidelines (ODG), Knee & Leg")
    assert parse_guideline(text) == citations("non-mtus", non_mtus=[reference], outside_mtus=outside)


def test_outside_the_mtus_alone():
    text = "The Expert Reviewer based their decision on recommendation(s) outside of the MTUS Guidelines."
    assert parse_guideline(text) == citations("non-mtus", outside_mtus=Located(text, 0, len(text)))


def test_non_mtus_reference_alone_keeps_its_inner_periods():
    text = (
        "Decision based on Non-MTUS Citation ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Shoulder "
        "Disorders, pg. 64."
    )
    c = Cursor(text)
    assert parse_guideline(text) == citations(
        "non-mtus",
        non_mtus=[c.at("ACOEM Occupational Medicine Practice Guidelines, 3rd ed., Shoulder Disorders, pg. 64")],
    )


def test_an_edition_that_does_not_exist_still_parses():
    text = (
        "Decision based on MTUS Chronic Pain Medical Treatment 2012, Section(s): NSAIDs, GI symptoms & "
        "cardiovascular risk, Proton Pump Inhibitors (PPIs)."
    )
    c = Cursor(text)
    name, year = c.at("Chronic Pain Medical Treatment"), c.at("2012")
    section_text = c.at("NSAIDs, GI symptoms & cardiovascular risk, Proton Pump Inhibitors (PPIs)")
    c.position = section_text.start
    sections = [c.at("NSAIDs, GI symptoms & cardiovascular risk"), c.at("Proton Pump Inhibitors (PPIs)")]
    assert parse_guideline(text) == citations(
        "mtus", [chapter(name, year, section_text=section_text, sections=sections)]
    )
    assert year == Located("2012", 54, 58)


def test_an_unknown_chapter_is_anchored_on_its_year_and_its_sections_split_on_commas():
    text = "Decision based on MTUS Hip and Groin Complaints 2004, Section(s): Initial Care, Imaging, Surgery."
    c = Cursor(text)
    name, year = c.at("Hip and Groin Complaints"), c.at("2004")
    section_text = c.at("Initial Care, Imaging, Surgery")
    c.position = section_text.start
    sections = [c.at("Initial Care"), c.at("Imaging"), c.at("Surgery")]
    assert parse_guideline(text) == citations(
        "mtus", [chapter(name, year, section_text=section_text, sections=sections)]
    )


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        (
            "Decision based on MTUS Postsurgical Treatment 2009, Section(s): Knee, Forearm, Wrist, & Hand.",
            ["Knee", "Forearm, Wrist, & Hand"],
        ),
        ("Decision based on MTUS Elbow Complaints 2007, Section(s): 326.", ["326"]),
        (
            "Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): Electro- diagnostic testing "
            "(EMG/NCS).",
            ["Electro- diagnostic testing (EMG/NCS)"],
        ),
        (
            "Decision based on MTUS Low Back Complaints 2004, Section(s): Inital Care, Physical Methods.",
            ["Inital Care", "Physical Methods"],
        ),
    ],
)
def test_section_lists(text, sections):
    (cited,) = parse_guideline(text).chapters
    assert [section.text for section in cited.sections] == sections
    assert cited.section_text.text == ", ".join(sections)


@pytest.mark.parametrize(
    ("text", "chapters"),
    [
        (
            "Decision based on MTUS General Approaches 2004, Section(s): Pain, Suffering, and the Restoration of "
            "Function, "
            "and Low Back Complaints 2004, Section(s): Summary.",
            [
                ("General Approaches", ["Pain, Suffering, and the Restoration of Function"]),
                ("Low Back Complaints", ["Summary"]),
            ],
        ),
        (
            "Decision based on MTUS Low Back Complaints 2004, Section(s): Summary, Special Studies, Knee Complaints "
            "2004, Section(s): Special Studies.",
            [("Low Back Complaints", ["Summary", "Special Studies"]), ("Knee Complaints", ["Special Studies"])],
        ),
    ],
)
def test_a_section_list_ends_only_where_a_chapter_with_a_year_follows(text, chapters):
    result = parse_guideline(text)
    assert result.error is None
    assert [
        (chapter.name.text, [section.text for section in chapter.sections]) for chapter in result.chapters
    ] == chapters


def test_garbage_gives_an_error_not_an_exception():
    text = "Based on what the doctor said."
    result = parse_guideline(text)
    assert (result.source, result.chapters, result.non_mtus, result.no_evidence, result.outside_mtus) == (
        "unknown",
        (),
        (),
        None,
        None,
    )
    assert result.error.start == 0
    assert result.error.text.startswith('expected "Decision based on MTUS", "Decision based on Non-MTUS Citation"')
    assert result.error.text.endswith('found "Based"')
    assert "\n" not in result.error.text


def test_an_error_keeps_what_was_read_before_it():
    text = "Decision based on MTUS Low Back Complaints 2004 per the doctor."
    c = Cursor(text)
    low_back = chapter(c.at("Low Back Complaints"), c.at("2004"))
    result = parse_guideline(text)
    assert (result.source, result.chapters) == ("mtus", (low_back,))
    assert (result.error.start, result.error.end) == (48, 62)
    assert '"Section(s):"' in result.error.text and result.error.text.endswith('found "per"')


def test_empty_text_is_an_error_at_its_end():
    result = parse_guideline("")
    assert result.source == "unknown"
    assert (result.error.start, result.error.end) == (0, 0)
    assert result.error.text.endswith("found the end of the text")


def test_a_catalogue_with_more_sections_keeps_them_whole():
    extra = {"chapters": [{"id": "low-back", "editions": [{"year": 2004, "sections": ["Imaging, Red Flags"]}]}]}
    text = "Decision based on MTUS Low Back Complaints 2004, Section(s): Imaging, Red Flags, Summary."
    assert [section.text for section in parse_guideline(text).chapters[0].sections] == [
        "Imaging",
        "Red Flags",
        "Summary",
    ]
    sections = parse_guideline(text, catalogue=Catalogue.load(extra=extra)).chapters[0].sections
    assert [section.text for section in sections] == ["Imaging, Red Flags", "Summary"]


# --- any text -------------------------------------------------------------------------------------------

_FRAGMENTS = [
    "Decision based on MTUS",
    "Decision based on Non-MTUS Citation",
    "Decision based on Non- MTUS Citation",
    "The Expert Reviewer did not cite any medical evidence for its decision.",
    "The Claims Administrator based their decision on recommendation(s) outside of the MTUS Guidelines.",
    "Low Back Complaints",
    "Forearm, Wrist, and Hand Complaints",
    "Chronic Pain Treatment Guidelines",
    "ACOEM Chapter 12",
    "2004",
    "2016",
    "Section(s):",
    "Page(s):",
    "63",
    "76-78",
    "88,89",
    "NSAIDs, GI symptoms & cardiovascular risk",
    "3.3.9 Opioids: Maintenance",
    ",",
    ", and",
    ".",
    ";",
    ":",
    "and",
    "Opioids",
    "x",
    "",
    "\n",
]


def assert_well_formed(text: str, result: GuidelineCitations) -> None:
    assert result.source in {"mtus", "non-mtus", "none", "unknown"}
    for piece in pieces(result):
        assert 0 <= piece.start <= piece.end <= len(text)
        if isinstance(piece, Located) and piece is not result.error:
            assert text[piece.start : piece.end] == piece.text
    if result.error is not None:
        assert result.error.text.startswith("expected ") and "\n" not in result.error.text


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_any_text_parses_without_raising(text):
    assert_well_formed(text, parse_guideline(text))


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=20), st.sampled_from([" ", "", "  "]))
def test_any_mix_of_citation_fragments_parses_without_raising(fragments, separator):
    text = separator.join(fragments)
    assert_well_formed(text, parse_guideline(text))


# --- the parse loop reads what Lark's own parser reads ------------------------------------------------


@functools.cache
def lark_parser() -> lark.Lark:
    """Lark's parser of the citation grammar, keeping every token in its tree."""
    grammar = data_path("grammars", "citation.lark").read_text(encoding="utf-8")
    return lark.Lark(grammar, parser="lalr", lexer="contextual", keep_all_tokens=True)


def lark_tokens(text: str) -> list[tuple[str, int, int]] | None:
    """(type, start, end) of each token Lark's parser reads from ``text``; None if it rejects it."""
    try:
        tree = lark_parser().parse(text)
    except lark.exceptions.UnexpectedInput:
        return None
    return [
        (token.type, token.start_pos, token.end_pos)
        for token in tree.scan_values(lambda value: isinstance(value, lark.Token))
    ]


@pytest.mark.corpus
def test_the_parse_loop_reads_the_corpus_as_lark_does(corpus_fields):
    for _, field in corpus_fields:
        tokens = lark_tokens(field)
        assert tokens is not None and _lean_parser().terminals(field) == tokens


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=20), st.sampled_from([" ", "", "  "]))
def test_the_parse_loop_accepts_and_rejects_as_lark_does(fragments, separator):
    text = separator.join(fragments)
    assert _lean_parser().terminals(text) == lark_tokens(text)


def test_a_section_name_with_commas_inside_brackets_is_one_section():
    naproxen = "Naproxen (Naprosyn, EC-Naprosyn, Anaprox, Anaprox DS [otc]; Naprelan)"
    text = (
        f"Decision based on MTUS Chronic Pain Medical Treatment 2016, Section(s): {naproxen}, Work "
        "conditioning, "
        "work hardening."
    )
    c = Cursor(text)
    name, year = c.at("Chronic Pain Medical Treatment"), c.at("2016")
    section_text = c.at(f"{naproxen}, Work conditioning, work hardening")
    c.position = section_text.start
    sections = [c.at(naproxen), c.at("Work conditioning, work hardening")]
    assert parse_guideline(text) == citations(
        "mtus", [chapter(name, year, section_text=section_text, sections=sections)]
    )


def test_guideline_lines_citing_in_the_same_words_share_one_reading():
    """A letter's guideline lines are read once per text: lines citing alike share the citations
    parse_guideline reads from that text, lines citing otherwise have their own."""
    catalogue = Catalogue.load()
    same = different = 0
    for path in real_letters():
        letter = build_letter(Document(str(path), path.read_text(encoding="utf-8")), catalogue)
        lines = [line for item in letter.items for line in (item.claims, item.maximus) if line is not None]
        for first, second in itertools.combinations(lines, 2):
            if first.content.text == second.content.text:
                same += 1
                assert first.citations is second.citations
            else:
                different += 1
                assert first.citations is not second.citations
        for line in lines:
            assert line.citations == parse_guideline(line.content.text, catalogue=catalogue)
    assert same and different


def test_a_guideline_text_is_read_once_per_catalogue_and_parser(monkeypatch):
    """Guideline lines cite in the same words across letters: each text is read once for a
    catalogue and a parser, and what is read, immutable, is shared."""
    text = "Decision based on MTUS Chronic Pain Medical Treatment Guidelines Page(s): 60-61, 76-78"
    catalogue = Catalogue.load()
    first = parse_guideline(text, catalogue=catalogue)
    assert parse_guideline(text, catalogue=catalogue) is first
    other = parse_guideline(text, catalogue=Catalogue.load(extra={"chapters": []}))
    assert other == first and other is not first  # another catalogue: read again
    monkeypatch.setenv(PARSER_VARIABLE, "lark")
    by_lark = parse_guideline(text, catalogue=catalogue)
    assert by_lark == first and by_lark is not first  # Lark's parser: read again, alike
    letters = [
        build_letter(Document(str(path), path.read_text(encoding="utf-8")), catalogue) for path in real_letters()
    ]
    lines = [line for letter in letters for item in letter.items for line in (item.claims, item.maximus) if line]
    by_text = {}
    for line in lines:
        assert by_text.setdefault(line.content.text, line.citations) is line.citations
