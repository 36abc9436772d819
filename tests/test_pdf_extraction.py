"""The PDF reader splits a page's content stream into the operations pypdf's own parser gives, or
leaves the stream to pypdf: the text it extracts is pypdf's, byte for byte."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfStreamError
from pypdf.generic import ContentStream, DecodedStreamObject, NameObject

from imrlint.input import pdf
from imrlint.input.pdf import ExtractionError, extract_pdf

from conftest import CORPUS, PDFS


def pypdf_operations(data: bytes) -> list:
    stream = ContentStream(None, None, "bytes")
    stream.set_data(data)
    return stream.operations


def shape(value):
    """A value with the pypdf type of every part of it, to compare parses exactly."""
    if isinstance(value, dict):
        return type(value).__name__, sorted((shape(key), shape(item)) for key, item in value.items())
    if isinstance(value, list | tuple):
        return type(value).__name__, [shape(item) for item in value]
    return type(value).__name__, repr(value)


def page_streams(path):
    reader = PdfReader(path)
    if reader.is_encrypted:
        reader.decrypt("")
    return [ContentStream(page["/Contents"].get_object(), reader, "bytes").get_data() for page in reader.pages]


@pytest.mark.corpus
def test_every_page_of_the_published_pdfs_is_split_as_pypdf_splits_it():
    pages = [data for path in sorted(PDFS.glob("*.pdf")) for data in page_streams(path)]
    assert len(pages) == 161
    for data in pages:
        assert shape(pdf._content_operations(data)) == shape(pypdf_operations(data))


def test_a_published_letter_is_split_as_pypdf_splits_it():
    first_page = page_streams(PDFS / "CM16-0213037.pdf")[0]
    operations = pdf._content_operations(first_page)
    assert len(operations) > 500
    assert shape(operations) == shape(pypdf_operations(first_page))


@pytest.mark.parametrize(
    "data",
    [
        b"BT /F1 12 Tf 72 708.84 Td (Case Number:) Tj ET",
        b"[(C)5(as)-3.5(e Nu)4(mber:)] TJ 0.007 Tw 11.04 -0 0 11.04 72 688.68 Tm",
        b"(a\\(b\\)\\\\c\\n\\r\\t\\b\\f\\101\\0123) Tj",
        b"<41 42 4> Tj <> Tj <4a4B> Tj",
        b"/P <</MCID 3>> BDC EMC /Span <</Lang /EN /MCID 12>> BDC <<>> BDC",
        b"12Tf/F1 1 Tf()Tj[(a)]TJ",
        b"[[1 2] /N <41> <</A 1>>] TJ",
        b"1 0 0 1 +.5 -3. cm +7 -0 Td",
        b"BT\x00\x0c(x)Tj\r\nET Tj\x00",
        b"0 0 1 scn /GS7 gs q 66.864 686.14 106.92 12.6 re W* n Q",
        b"(line one\nline two) ' 1 2 (x) \"",
        b"5 6 ",  # operands without an operator: none
        b"",
    ],
)
def test_content_streams_are_split_as_pypdf_splits_them(data):
    assert shape(pdf._content_operations(data)) == shape(pypdf_operations(data))


@pytest.mark.parametrize(
    "data",
    [
        b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q",  # an inline image: data, not tokens
        b"% a comment\n(x) Tj",
        b"(a(b)c) Tj",  # nested parentheses
        b"(\\q) Tj",  # an escape pypdf warns about
        b"(\\12) Tj",  # an octal escape of fewer than three digits
        b"(\\400) Tj",  # an octal escape over 255
        b"1 0 R Do",  # an indirect reference, which pypdf rejects in a content stream
        b"1,5 Tc",
        b"1.2.3 Tc",
        b"12345678901234567890 Tc",  # twenty characters: pypdf reads such a number another way
        b"/A#20B 1 Tf",
        b"/\xe9 1 Tf",
        b"[true] TJ",
        b"[(a) TJ",
        b"] TJ",
        b"<</A 1 /A 2>> BDC",  # a key given twice
        b"<</A (x)>> BDC",
        b"<</Length 1>> stream\nx\nendstream",
        b"<4G> Tj",
        b"abcdefghijklmnopq",  # an operator pypdf stops reading at its length limit
        b"{ } Tj",
        b"(x)\x0bTj",
        b"5 6",  # a number at the very end, which pypdf reads another way
    ],
)
def test_streams_with_other_constructs_are_left_to_pypdf(data):
    with pytest.raises(pdf._LeftToPypdf):
        pdf._content_operations(data)


def rewritten(stem: str, first_page_contents) -> bytes:
    """The published letter ``stem`` with new contents for its first page, unencrypted."""
    reader = PdfReader(PDFS / f"{stem}.pdf")
    reader.decrypt("")
    writer = PdfWriter(clone_from=reader)
    page = writer.pages[0]
    page[NameObject("/Contents")] = writer._add_object(first_page_contents(page.get_contents().get_data()))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_a_page_left_to_pypdf_gives_pypdf_s_text():
    def with_comment(data: bytes) -> DecodedStreamObject:
        stream = DecodedStreamObject()
        stream.set_data(b"% the letter's first page\n" + data)
        return stream

    data = rewritten("CM16-0213037", with_comment)
    first_page = page_streams(io.BytesIO(data))[0]
    with pytest.raises(pdf._LeftToPypdf):
        pdf._content_operations(first_page)
    assert extract_pdf(data).text == (CORPUS / "CM16-0213037.txt").read_text(encoding="utf-8")


def test_a_damaged_content_stream_is_reported_in_pypdf_s_words():
    def damaged(data: bytes) -> DecodedStreamObject:
        stream = DecodedStreamObject()
        stream.set_data(b"BT (a) Tj (unterminated")
        return stream

    data = rewritten("CM16-0213037", damaged)
    reader = PdfReader(io.BytesIO(data))
    with pytest.raises(PdfStreamError) as raised_by_pypdf:
        reader.pages[0].extract_text()
    with pytest.raises(ExtractionError) as raised:
        extract_pdf(data)
    assert raised.value.kind == "corrupt"
    assert raised.value.message == (
        f"not a readable PDF ({type(raised_by_pypdf.value).__name__}: {raised_by_pypdf.value})"
    )
