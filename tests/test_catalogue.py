"""Tests for imrlint.knowledge.catalogue: the MTUS knowledge base (rules/mtus.yaml) and its lookups.

The catalogue must know every chapter, edition and section the bundled real letters cite
(tests/data/cited_sections.txt lists the sections, one citation a line), and must reject a
malformed knowledge base with a CatalogueError that names the offending key.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime
import json
import pathlib

import jsonschema
import pytest
import yaml
from test_citations import guideline_fields

from imrlint.knowledge.catalogue import Catalogue, CatalogueError, Chapter, Edition, Topic
from imrlint.parsing.citations import parse_guideline

from conftest import REPO, real_letters

CITED_SECTIONS = pathlib.Path(__file__).parent / "data" / "cited_sections.txt"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.load()


def chapter_edition(catalogue: Catalogue, name: str, year: int | None) -> Edition:
    return catalogue.edition(catalogue.find_chapter(name), year)


# --- the shipped knowledge base ---------------------------------------------------------------------------


def test_shipped_knowledge_base_loads(catalogue):
    assert [chapter.id for chapter in catalogue.chapters] == [
        "chronic-pain",
        "opioids",
        "acupuncture",
        "postsurgical",
        "general-approaches",
        "neck-upper-back",
        "shoulder",
        "elbow",
        "forearm-wrist-hand",
        "low-back",
        "knee",
        "ankle-foot",
        "stress-related",
        "eye",
    ]
    chronic_pain = catalogue.find_chapter("Chronic Pain Medical Treatment")
    first, second = chronic_pain.editions
    assert (first.year, first.effective, first.superseded, first.pages, first.pages_confidence) == (
        2009,
        datetime.date(2009, 7, 18),
        datetime.date(2016, 7, 28),
        (1, 127),
        "high",
    )
    assert (second.year, second.superseded, second.pages) == (2016, None, None)
    assert chapter_edition(catalogue, "Knee Complaints", 2004).pages_confidence == "unverified"
    muscle_relaxants = catalogue.find_topic(first, "Muscle relaxants")
    assert muscle_relaxants == Topic(
        "Muscle relaxants",
        ("muscle relaxants (for pain)", "muscle relaxants for pain", "Muscle Relaxants"),
        ((63, 66),),
        "high",
    )


@pytest.mark.corpus
def test_every_chapter_and_edition_cited_in_the_letters_is_known(catalogue):
    cited = set()
    for path in real_letters():
        for field in guideline_fields(path.read_text(encoding="utf-8")):
            for chapter in parse_guideline(field).chapters:
                cited.add((chapter.name.text, int(chapter.edition.text) if chapter.edition else None))
    assert len(cited) == 15
    unknown = [(name, year) for name, year in sorted(cited, key=str) if catalogue.find_chapter(name) is None]
    assert unknown == []
    missing = [(name, year) for name, year in sorted(cited, key=str) if chapter_edition(catalogue, name, year) is None]
    assert missing == []


def test_every_section_cited_in_the_letters_is_known(catalogue):
    rows = [line.split("\t") for line in CITED_SECTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) == 138
    unresolved = [
        row for row in rows if catalogue.find_section(chapter_edition(catalogue, row[0], int(row[1])), row[2]) is None
    ]
    assert unresolved == []


# --- lookups ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "chapter_id"),
    [
        ("Chronic Pain Medical Treatment", "chronic-pain"),
        ("Chronic Pain Medical Treatment Guidelines", "chronic-pain"),
        ("Chronic pain guidelines", "chronic-pain"),
        ("chronic  PAIN medical treatment", "chronic-pain"),
        ("Chronic Pain Treatment Guidelines", "chronic-pain"),
        ("Opioid Treatment", "opioids"),
        ("Forearm, Wrist, and Hand Complaints", "forearm-wrist-hand"),
        ("Forearm, Wrist & Hand Complaints", "forearm-wrist-hand"),
        ("ACOEM Chapter 12 Low Back Complaints", "low-back"),
        ("ACOEM, Chapter 8", "neck-upper-back"),
        ("Stress Related Conditions", "stress-related"),
        ("Hip Complaints", None),
        ("", None),
    ],
)
def test_find_chapter_tolerates_spelling(catalogue, name, chapter_id):
    chapter = catalogue.find_chapter(name)
    assert (chapter.id if chapter else None) == chapter_id


def test_edition_by_year_and_without_one(catalogue):
    chronic_pain = catalogue.find_chapter("Chronic Pain Medical Treatment")
    assert catalogue.edition(chronic_pain, 2016).year == 2016
    assert catalogue.edition(chronic_pain, 2012) is None
    # old-style citations cite pages: the earliest paginated edition
    assert catalogue.edition(chronic_pain, None).year == 2009
    assert catalogue.edition(catalogue.find_chapter("ACOEM Chapter 12 Low Back Complaints"), None).pages == (286, 326)
    # no paginated edition: the earliest one
    assert catalogue.edition(catalogue.find_chapter("Acupuncture Treatment"), None).year == 2007


@pytest.mark.parametrize(
    ("name", "topic"),
    [
        ("MUSCLE RELAXANTS", "Muscle relaxants"),
        ("Muscle Relaxants (for pain)", "Muscle relaxants"),
        ("Opioids, On-Going Management", "Opioids, on-going management"),
        ("NSAIDs, GI symptoms and cardiovascular risk", "NSAIDs, GI symptoms & cardiovascular risk"),
        ("CYCLOBENZAPRINE", "Cyclobenzaprine"),
        ("Spinal Cord Stimulators", "Spinal Cord Stimulators"),
        ("Criteria for use of opioids", "Criteria for use of opioids"),
        ("CYCLOBENZAPRINE; MUSCLE RELAXANTS", None),
    ],
)
def test_find_topic(catalogue, name, topic):
    found = catalogue.find_topic(chapter_edition(catalogue, "Chronic Pain Treatment Guidelines", None), name)
    assert (found.name if found else None) == topic


@pytest.mark.parametrize(
    ("name", "section"),
    [
        ("Manual therapy & manipulation", "Manual therapy & manipulation"),
        ("manual therapy and manipulation.", "Manual therapy & manipulation"),
        ("Electro- diagnostic testing (EMG/NCS)", "Electrodiagnostic testing (EMG/NCS)"),
        ("NSAIDS,  GI symptoms & cardiovascular risk", "NSAIDs, GI symptoms & cardiovascular risk"),
        ("Manual therapy", None),
    ],
)
def test_find_section_tolerates_spelling(catalogue, name, section):
    assert catalogue.find_section(chapter_edition(catalogue, "Chronic Pain Medical Treatment", 2016), name) == section


def test_closest_section_suggests_the_likely_spelling(catalogue):
    low_back = chapter_edition(catalogue, "Low Back Complaints", 2004)
    assert catalogue.closest_section(low_back, "Inital Care") == "Initial Care"
    assert catalogue.closest_section(low_back, "Special Study") == "Special Studies"
    assert catalogue.closest_section(low_back, "326") is None
    assert catalogue.closest_section(low_back, "Facet blocks") is None


def test_split_sections_keeps_known_names_with_commas_whole(catalogue):
    edition = chapter_edition(catalogue, "Postsurgical Treatment", 2009)
    text = "Knee, Forearm, Wrist, & Hand, Shoulder"
    assert catalogue.split_sections(edition, text) == [(0, 4), (6, 28), (30, 38)]


def test_split_sections_splits_unknown_names_on_commas(catalogue):
    edition = chapter_edition(catalogue, "Low Back Complaints", 2004)
    text = " Summary,Red flags , ,Imaging, CT "
    assert [text[start:end] for start, end in catalogue.split_sections(edition, text)] == [
        "Summary",
        "Red flags",
        "Imaging",
        "CT",
    ]
    assert catalogue.split_sections(edition, "") == []


def test_split_sections_without_an_edition_knows_every_section(catalogue):
    text = "NSAIDs, GI symptoms & cardiovascular risk, Capsaicin, topical, Foo"
    assert [text[start:end] for start, end in catalogue.split_sections(None, text)] == [
        "NSAIDs, GI symptoms & cardiovascular risk",
        "Capsaicin, topical",
        "Foo",
    ]


# --- user additions -----------------------------------------------------------------------------------------

HIP = {
    "id": "hip",
    "name": "Hip and Groin Complaints",
    "aliases": ["Hip Complaints"],
    "editions": [{"year": 2011, "effective": "2011-01-01", "pages": [1, 40], "sections": ["Imaging, Red Flags"]}],
}


def test_extra_adds_a_chapter(catalogue):
    extended = Catalogue.load(extra={"chapters": [HIP]})
    hip = extended.find_chapter("Hip Complaints")
    assert hip == Chapter(
        "hip",
        "Hip and Groin Complaints",
        ("Hip Complaints",),
        (Edition(2011, datetime.date(2011, 1, 1), None, (1, 40), "high", (), ("Imaging, Red Flags",)),),
    )
    assert extended.chapters[:-1] == catalogue.chapters
    assert catalogue.find_chapter("Hip Complaints") is None


def test_extra_adds_to_a_known_chapter(catalogue):
    extra = {
        "chapters": [
            {
                "id": "low-back",
                "aliases": ["Lumbar Complaints"],
                "editions": [
                    {
                        "year": 2004,
                        "sections": ["Red Flags", "summary"],
                        "topics": [{"name": "Imaging", "pages": [[303, 305]], "confidence": "unverified"}],
                    },
                    {"year": 2017, "effective": datetime.date(2017, 12, 1)},
                ],
            }
        ]
    }
    extended = Catalogue.load(extra=extra)
    low_back = extended.find_chapter("Lumbar Complaints")
    assert low_back.id == "low-back" and low_back.aliases[-1] == "Lumbar Complaints"
    assert [edition.year for edition in low_back.editions] == [2004, 2017]
    edition = extended.edition(low_back, 2004)
    assert edition.sections == (*chapter_edition(catalogue, "Low Back Complaints", 2004).sections, "Red Flags")
    assert extended.find_topic(edition, "imaging") == Topic("Imaging", (), ((303, 305),), "unverified")
    assert extended.find_section(edition, "red flags") == "Red Flags"


# --- malformed knowledge bases ------------------------------------------------------------------------------

VALID = {
    "chapters": [
        {
            "id": "low-back",
            "name": "Low Back Complaints",
            "aliases": ["ACOEM Chapter 12"],
            "editions": [
                {
                    "year": 2004,
                    "effective": datetime.date(2007, 1, 1),
                    "superseded": datetime.date(2017, 12, 1),
                    "pages": [286, 326],
                    "topics": [{"name": "Imaging", "aliases": [], "pages": [[303, 305]], "confidence": "high"}],
                    "sections": ["Summary"],
                }
            ],
        }
    ]
}


def edited(change) -> dict:
    data = copy.deepcopy(VALID)
    change(data)
    return data


def write(tmp_path: pathlib.Path, data) -> pathlib.Path:
    path = tmp_path / "mtus.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_a_valid_knowledge_base_loads(tmp_path):
    loaded = Catalogue.load(write(tmp_path, VALID))
    assert loaded.find_chapter("ACOEM Chapter 12").editions[0].topics[0].pages == ((303, 305),)


EDITION = "chapters[0].editions[0]"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda data: data.update(chapters={"id": "x"}), "chapters: expected a list"),
        (lambda data: data.update(version=2), "version: unknown key (expected one of chapters)"),
        (lambda data: data["chapters"].append("Knee"), "chapters[1]: expected a mapping"),
        (lambda data: data["chapters"][0].pop("name"), "chapters[0].name: missing"),
        (lambda data: data["chapters"][0].update(name=12), "chapters[0].name: expected a non-empty string"),
        (lambda data: data["chapters"][0].update(aliases="ACOEM Chapter 12"), "chapters[0].aliases: expected a list"),
        (
            lambda data: data["chapters"][0].update(aliases=[None]),
            "chapters[0].aliases[0]: expected a non-empty string",
        ),
        (
            lambda data: data["chapters"][0].update(editions=[]),
            "chapters[0].editions: expected a list of at least one edition, got list []",
        ),
        (lambda data: data["chapters"][0].pop("editions"), "chapters[0].editions: missing"),
        (
            lambda data: data["chapters"].append(copy.deepcopy(data["chapters"][0])),
            "chapters[1].id: chapter 'low-back' is defined twice",
        ),
        (lambda data: data["chapters"][0]["editions"][0].update(year="2004"), f"{EDITION}.year: expected an integer"),
        (lambda data: data["chapters"][0]["editions"][0].update(year=True), f"{EDITION}.year: expected an integer"),
        (lambda data: data["chapters"][0]["editions"][0].pop("effective"), f"{EDITION}.effective: missing"),
        (
            lambda data: data["chapters"][0]["editions"][0].update(effective="July 2009"),
            f"{EDITION}.effective: expected a date",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0].update(superseded=2017),
            f"{EDITION}.superseded: expected a date",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0].update(pages=[326, 286]),
            f"{EDITION}.pages: expected [first, last]",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0].update(pages="286-326"),
            f"{EDITION}.pages: expected [first, last]",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0].update(pages_confidence="low"),
            f"{EDITION}.pages_confidence: expected one of high, unverified",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0].update(section=["Summary"]),
            f"{EDITION}.section: unknown key",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0]["topics"][0].pop("pages"),
            f"{EDITION}.topics[0].pages: missing",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0]["topics"][0].update(pages=[303, 305]),
            f"{EDITION}.topics[0].pages[0]: expected [first, last]",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0]["topics"][0].update(confidence="medium"),
            f"{EDITION}.topics[0].confidence: expected one of",
        ),
        (
            lambda data: data["chapters"][0]["editions"].append({"year": 2004, "effective": datetime.date(2007, 1, 1)}),
            "chapters[0].editions[1].year: edition 2004 is defined twice",
        ),
        (
            lambda data: data["chapters"].append(
                {
                    "id": "knee",
                    "name": "Knee",
                    "aliases": ["ACOEM chapter 12"],
                    "editions": [{"year": 2004, "effective": "2007-01-01"}],
                }
            ),
            "chapter 'knee': the name 'ACOEM chapter 12' already names chapter 'low-back'",
        ),
    ],
)
def test_a_malformed_knowledge_base_names_the_key(tmp_path, change, key):
    path = write(tmp_path, edited(change))
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(path)
    assert key in str(caught.value)
    if key.startswith("chapters"):
        assert str(caught.value).startswith(f"{path}: ")


def test_an_empty_knowledge_base_has_no_chapters(tmp_path):
    assert Catalogue.load(write(tmp_path, {"chapters": []})).chapters == ()


@pytest.mark.parametrize(
    ("extra", "key"),
    [
        (
            {"chapters": [{"id": "low-back", "name": "Lumbar"}]},
            "chapters[0].name: unknown key (chapter 'low-back' exists, so only aliases, regions and editions can be "
            "added)",
        ),
        (
            {"chapters": [{"id": "low-back", "editions": [{"year": 2004, "pages": [1, 2]}]}]},
            "chapters[0].editions[0].pages: unknown key (edition 2004 of chapter 'low-back' exists, so only topics, "
            "sections and sections_complete can be given)",
        ),
        (
            {"chapters": [{"id": "hip", "name": "Hip", "editions": [{"year": 2011}]}]},
            "chapters[0].editions[0].effective: missing",
        ),
        ({"chapters": [{"name": "Hip"}]}, "chapters[0].id: missing"),
        (["Hip"], "top level: expected a mapping"),
    ],
)
def test_malformed_extra_names_the_key(extra, key):
    with pytest.raises(CatalogueError) as caught:
        Catalogue.load(extra=extra)
    assert str(caught.value) == key or str(caught.value).startswith(key)


def test_unreadable_or_invalid_yaml_is_a_catalogue_error(tmp_path):
    with pytest.raises(CatalogueError, match="cannot read"):
        Catalogue.load(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("chapters: [\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match="cannot read"):
        Catalogue.load(broken)


# --- tables of contents ---------------------------------------------------------------------------------


def test_every_shipped_edition_says_where_its_sections_come_from(catalogue):
    for chapter in catalogue.chapters:
        for edition in chapter.editions:
            assert len(edition.sections_source) > 40, (chapter.id, edition.year)
    complete = [
        (chapter.id, edition.year)
        for chapter in catalogue.chapters
        for edition in chapter.editions
        if edition.sections_complete
    ]
    assert complete == [("general-approaches", 2004)]


@pytest.mark.parametrize(
    ("chapter", "year", "name", "section"),
    [
        (
            "Chronic Pain Medical Treatment",
            2009,
            "Barbiturate-containing analgesic agents",
            "Barbiturate-containing analgesic agents (BCAs)",
        ),
        (
            "Chronic Pain Medical Treatment",
            2016,
            "Naproxen (Naprosyn, EC-Naprosyn, EC-Naprosyn, Anaprox, Anaprox DS [otc], Naprelan)",
            "Naproxen (Naprosyn, EC-Naprosyn, Anaprox, Anaprox DS [otc], Naprelan)",
        ),
        (
            "Chronic Pain Medical Treatment",
            2016,
            "Naproxen",
            "Naproxen (Naprosyn, EC-Naprosyn, Anaprox, Anaprox DS [otc], Naprelan)",
        ),
        (
            "Chronic Pain Medical Treatment",
            2016,
            "Work conditioning, work hardening",
            "Work conditioning, work hardening",
        ),
        (
            "Opioid Treatment",
            2016,
            "1.3. Opioids for Acute Pain: Severe Acute Injuries (e.g., fractures, crush injuries)",
            "1.3 Opioids for Acute Pain: Severe Acute Injuries",
        ),
        (
            "Opioid Treatment",
            2016,
            "3.3.9 Maintenance of Chronic Opioid Treatment",
            "3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment",
        ),
        (
            "Opioid Treatment",
            2016,
            "3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment",
            "3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Maintenance of Chronic Opioid Treatment",
        ),
        (
            "Opioid Treatment",
            2016,
            "3.3.9 Opioids for Chronic Pain and Chronic Opioid Treatment: Opioid Titration and Dosing Threshold",
            None,
        ),
        ("Opioid Treatment", 2016, "5.1 Opioids in Special Populations", None),
        ("General Approaches", 2004, "Initial Approaches to Treatment", "Initial Approaches to Treatment"),
    ],
)
def test_find_section_by_parenthetical_and_number(catalogue, chapter, year, name, section):
    assert catalogue.find_section(chapter_edition(catalogue, chapter, year), name) == section


def test_misspelt_section_needs_the_same_words_with_near_misses(catalogue):
    low_back = chapter_edition(catalogue, "Low Back Complaints", 2004)
    assert catalogue.misspelt_section(low_back, "Inital Care") == "Initial Care"
    assert catalogue.misspelt_section(low_back, "Diagnositc Criteria") == "Diagnostic Criteria"
    assert catalogue.misspelt_section(low_back, "Special Study") is None  # another word, not a misspelling
    assert catalogue.misspelt_section(low_back, "Initial Care Plan") is None
    assert catalogue.misspelt_section(low_back, "Red Flags") is None


def test_closest_section_of_a_numbered_name_goes_by_number_then_title(catalogue):
    opioids = chapter_edition(catalogue, "Opioid Treatment", 2016)
    part = "Opioids for Chronic Pain and Chronic Opioid Treatment"
    assert (
        catalogue.closest_section(opioids, f"3.3.9 {part}: Opioid Titration")
        == f"3.3.9 {part}: Maintenance of Chronic Opioid Treatment"
    )
    assert (
        catalogue.closest_section(opioids, f"3.3.10 {part}: Opioid Titration and Dosing Threshold")
        == f"3.3.8 {part}: Opioid Titration and Dosing Threshold"
    )
    assert catalogue.closest_section(opioids, "5.1 Opioids in Special Populations") is None


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        (
            "Naproxen (Naprosyn, EC-Naprosyn, Anaprox, Anaprox DS [otc]; Naprelan), NSAIDs (non-steroidal "
            "anti-inflammatory drugs)",
            [
                "Naproxen (Naprosyn, EC-Naprosyn, Anaprox, Anaprox DS [otc]; Naprelan)",
                "NSAIDs (non-steroidal anti-inflammatory drugs)",
            ],
        ),
        (
            "Work conditioning, work hardening, Topical analgesics, compounded",
            ["Work conditioning, work hardening", "Topical analgesics, compounded"],
        ),
        (
            "Benzodiazepines, Benzodiazepine dependence, maintenance",
            ["Benzodiazepines", "Benzodiazepine dependence, maintenance"],
        ),
        ("Ultrasound, therapeutic, Office visits", ["Ultrasound, therapeutic", "Office visits"]),
        ("Summary, and Special Studies", ["Summary", "Special Studies"]),
        ("Pain (chronic, Office visits", ["Pain (chronic", "Office visits"]),  # a bracket that never closes
        (
            "3.3.1.2 Opioids for Chronic Pain and Chronic Opioid Treatment: Screening for Risk of Addiction or Adverse "
            "Events, Prior to "
            "Chronic Opioid Treatment: Screening for Alcohol Misuse/Abuse, 3.3.6 Opioids for Chronic Pain and Chronic "
            "Opioid Treatment: "
            "Use of Urine Drug Testing (UDT), 4.1 Tapering Opioids: Indications for Tapering Opioids",
            [
                "3.3.1.2 Opioids for Chronic Pain and Chronic Opioid Treatment: Screening for Risk of Addiction or "
                "Adverse Events, Prior to "
                "Chronic Opioid Treatment: Screening for Alcohol Misuse/Abuse",
                "3.3.6 Opioids for Chronic Pain and Chronic Opioid Treatment: Use of Urine Drug Testing (UDT)",
                "4.1 Tapering Opioids: Indications for Tapering Opioids",
            ],
        ),
        ("2. Opioids for Subacute Pain, Unnumbered, trailing", ["2. Opioids for Subacute Pain, Unnumbered, trailing"]),
    ],
)
def test_split_sections_keeps_brackets_continuations_and_numbered_titles_whole(catalogue, text, sections):
    edition = chapter_edition(catalogue, "Chronic Pain Medical Treatment", 2016)
    assert [text[start:end] for start, end in catalogue.split_sections(edition, text)] == sections


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (
            lambda data: data["chapters"][0]["editions"][0].update(sections_complete="yes"),
            f"{EDITION}.sections_complete: expected true or false",
        ),
        (
            lambda data: data["chapters"][0]["editions"][0].update(sections_source=3),
            f"{EDITION}.sections_source: expected a non-empty string",
        ),
    ],
)
def test_a_malformed_table_of_contents_flag_names_the_key(tmp_path, change, key):
    with pytest.raises(CatalogueError, match=key.replace("[", r"\[").replace("]", r"\]")):
        Catalogue.load(write(tmp_path, edited(change)))


def test_extra_can_declare_an_edition_s_sections_complete(catalogue):
    extended = Catalogue.load(
        extra={
            "chapters": [
                {
                    "id": "elbow",
                    "editions": [{"year": 2007, "sections": ["Work-Relatedness"], "sections_complete": True}],
                }
            ]
        }
    )
    edition = chapter_edition(extended, "Elbow Complaints", 2007)
    assert edition.sections_complete and "Work-Relatedness" in edition.sections
    assert not chapter_edition(catalogue, "Elbow Complaints", 2007).sections_complete


SCHEMA = json.loads((REPO / "rules" / "mtus.schema.json").read_text(encoding="utf-8"))


def _as_json(value):
    """The YAML as a JSON Schema sees it: dates as ISO strings (as a YAML 1.2 editor reads them)."""
    return json.loads(json.dumps(value, default=lambda date: date.isoformat()))


def test_the_shipped_knowledge_base_fits_its_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    shipped = (REPO / "rules" / "mtus.yaml").read_text(encoding="utf-8")
    assert shipped.startswith("# yaml-language-server: $schema=mtus.schema.json\n")
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    assert [error.message for error in validator.iter_errors(_as_json(yaml.safe_load(shipped)))] == []


def test_the_schema_describes_what_the_loader_reads():
    # every key the schema allows is one the catalogue reads: a key added to one is added to both
    edition = SCHEMA["$defs"]["edition"]["properties"]
    assert set(edition) == {field.name for field in dataclasses.fields(Edition)}
    assert set(SCHEMA["$defs"]["chapter"]["properties"]) == {field.name for field in dataclasses.fields(Chapter)}
    assert set(SCHEMA["$defs"]["topic"]["properties"]) == {field.name for field in dataclasses.fields(Topic)}
    assert set(SCHEMA["$defs"]["editionAddition"]["properties"]) == set(edition)


def test_additions_are_checked_against_the_schema():
    addition = {"$ref": "#/$defs/addition", "$defs": SCHEMA["$defs"]}
    valid = {"chapters": [{"id": "low-back", "editions": [{"year": 2004, "sections": ["Red Flags"]}]}]}
    assert list(jsonschema.Draft202012Validator(addition).iter_errors(valid)) == []
    with pytest.raises(CatalogueError, match=r"^chapters\[0\]\.editions\[0\]\.year: expected an integer"):
        Catalogue.load(extra={"chapters": [{"id": "low-back", "editions": [{"year": "2004"}]}]})
    with pytest.raises(CatalogueError, match=r"^chapters\[0\]\.aliases\[1\]: expected a non-empty string, got str ' '"):
        Catalogue.load(extra={"chapters": [{"id": "low-back", "aliases": ["Lumbar", " "]}]})
