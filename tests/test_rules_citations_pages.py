"""rationale-page-outside-document (IMR313): a page a rationale quotes belongs to the document
named nearest before it in its clause, on a real rationale edited to quote a page that way."""

from __future__ import annotations

from conftest import CORPUS, edited, findings_of, found

FACETS = CORPUS / "CM16-0219557.txt"  # rationale line 61: "As noted on page 82 of the MTUS Chronic Pain ..."
PAGE_82 = (
    "As noted on page 82 of the MTUS Chronic \nPain Medical Treatment Guidelines (July 28, 2016), no more than one"
)


def test_a_page_belongs_to_the_document_named_before_it_not_after_it(lint_text):
    # "8 C.C.R." is not a sentence's end, and ACOEM chapter 12, named after the page, is not its
    # document: page 82 is the 2016 Chronic Pain guidelines' (which have no recorded page bounds).
    text = edited(
        FACETS,
        (
            PAGE_82,
            "Chronic Pain Medical Treatment Guidelines MTUS - 8 C.C.R. \n9792.24.2 (July 28, 2016), Facet blocks, Page "
            "82, refers to ACOEM, Chapter 12, Low Back Complaints: no more than one",
        ),
    )
    assert findings_of(lint_text(text), "IMR313") == []


def test_a_page_of_the_document_named_after_it(lint_text, lint_letter):
    assert findings_of(lint_letter(FACETS), "IMR313") == []
    text = edited(
        FACETS,
        (
            PAGE_82,
            "As noted on page 182 of the MTUS Chronic \nPain Medical Treatment Guidelines (July 18, 2009), no more "
            "than one",
        ),
    )
    assert found(lint_text(text), "IMR313") == [
        (
            "IMR313",
            "61:67-61:75",
            "page 182 does not exist in the Chronic Pain Medical Treatment Guidelines (2009) (pages 1-127); quote the "
            "page where the guideline says it",
        )
    ]
    # A page followed by a document it is not said to be "of" is not that document's.
    text = edited(
        FACETS,
        (
            PAGE_82,
            "As noted on page 182, see the MTUS Chronic \nPain Medical Treatment Guidelines (July 18, 2009): no more "
            "than one",
        ),
    )
    assert findings_of(lint_text(text), "IMR313") == []
