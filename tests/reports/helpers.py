import io
import re

from openpyxl import load_workbook
from pypdf import PdfReader


def workbook(content: bytes):
    return load_workbook(io.BytesIO(content))


def pdf_reader(content: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(content))


def pdf_text(content: bytes) -> str:
    """The PDF's text with all white space removed, so that line breaks in a paragraph do not matter."""
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in pdf_reader(content).pages))


def embedded_fonts(content: bytes) -> set[str]:
    """Base names of the fonts whose program is embedded in the PDF."""
    names = set()
    for page in pdf_reader(content).pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            descriptors = [d.get_object().get("/FontDescriptor") for d in font.get("/DescendantFonts", [])]
            descriptors.append(font.get("/FontDescriptor"))
            for descriptor in filter(None, descriptors):
                descriptor = descriptor.get_object()
                if any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                    names.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return names


def summary_values(sheet) -> dict[str, object]:
    """The 概况 sheet as {label: value}."""
    return {row[0].value: row[1].value for row in sheet.iter_rows(min_row=2)}
