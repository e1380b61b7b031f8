"""Generated test documents: real PDFs made with reportlab, plus broken files of every kind."""
from __future__ import annotations

import io
import json
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ENGLISH_PAGES = [
    "Labour exploitation in agriculture\n"
    "Seasonal workers on farms and in greenhouses are recruited through agencies that charge high fees. "
    "Labour inspectors found workers whose passports had been taken by their employers.",
    "Identification of victims\n"
    "Case workers, police and labour inspectors use indicators to identify presumed victims of trafficking. "
    "The national referral mechanism assigns each presumed victim to shelter and legal aid.",
    "Compensation for victims\n"
    "Victims rarely receive compensation. Courts should order traffickers to pay damages to the victims, "
    "and a state fund should advance the payment when the offender cannot pay.",
]

DUTCH_PAGES = [
    "Mensenhandel in de land- en tuinbouw\n"
    "Arbeidsmigranten werken in kassen en op boerderijen onder slechte omstandigheden. "
    "De inspectie trof werknemers aan wier paspoorten waren ingenomen.",
    "Schadevergoeding voor slachtoffers\n"
    "Slachtoffers van mensenhandel krijgen zelden een schadevergoeding. De rechter kan de dader veroordelen "
    "tot het betalen van schadevergoedingen aan de slachtoffers. Loverboys ronselen meisjes via sociale media.",
]


def _wrap(text: str, width: int = 90) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words, line = paragraph.split(), ""
        for word in words:
            if len(line) + len(word) + 1 > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
    return lines


def make_pdf(path: Path, pages: list[str], title: str | None = None, heading_size: int = 20) -> Path:
    """A text PDF, one string per page; the first line of page 1 is set large as the title."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    if title:
        c.setTitle(title)
    for number, text in enumerate(pages, start=1):
        y = 800
        for i, line in enumerate(_wrap(text)):
            size = heading_size if (number == 1 and i == 0) else 10
            c.setFont("Helvetica", size)
            c.drawString(50, y, line)
            y -= size + 6
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())
    return path


def make_two_column_pdf(path: Path, left: str, right: str) -> Path:
    """One page with two text columns."""
    c = canvas.Canvas(str(path), pagesize=A4)
    c.setFont("Helvetica", 10)
    for x, text in ((40, left), (310, right)):
        y = 800
        for line in _wrap(text, 45):
            c.drawString(x, y, line)
            y -= 14
    c.showPage()
    c.save()
    return path


def make_scanned_pdf(path: Path, pages: int = 2) -> Path:
    """Pages of drawings only: no text layer."""
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(pages):
        for i in range(20):
            c.rect(50 + i * 5, 100 + i * 30, 300, 10, fill=1)
        c.showPage()
    c.save()
    return path


def make_encrypted_pdf(path: Path, password: str = "secret") -> Path:
    """A text PDF that needs a password to open."""
    plain = io.BytesIO()
    make_pdf(path, ENGLISH_PAGES)
    writer = PdfWriter(clone_from=PdfReader(str(path)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-256")
    writer.write(plain)
    path.write_bytes(plain.getvalue())
    return path


def make_truncated_pdf(path: Path) -> Path:
    """The first fifth of a real PDF: header and little else."""
    make_pdf(path, ENGLISH_PAGES)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 5])
    return path


def make_bad_inputs(folder: Path) -> dict[str, Path]:
    """Every kind of file that must be refused with a clear reason."""
    folder.mkdir(parents=True, exist_ok=True)
    html = folder / "landing-page.pdf"
    html.write_text("<!DOCTYPE html><html><head><title>Report</title></head><body>Download</body></html>")
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    unsupported = folder / "slides.key"
    unsupported.write_bytes(b"not a format atkb reads")
    return {
        "encrypted": make_encrypted_pdf(folder / "encrypted.pdf"),
        "truncated": make_truncated_pdf(folder / "truncated.pdf"),
        "html": html,
        "empty": empty,
        "scanned": make_scanned_pdf(folder / "scanned.pdf"),
        "unsupported": unsupported,
    }


def make_corpus(folder: Path) -> dict[str, Path]:
    """A small mixed corpus: English and Dutch PDFs, Markdown, and BEIR-style JSONL records."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "english": make_pdf(folder / "labour-exploitation.pdf", ENGLISH_PAGES, title="Labour exploitation report"),
        "dutch": make_pdf(folder / "mensenhandel.pdf", DUTCH_PAGES, title="Rapportage mensenhandel"),
        "two_column": make_two_column_pdf(
            folder / "two-columns.pdf",
            "Left column about forced begging by children in city centres and the role of child protection.",
            "Right column about domestic servitude in diplomatic households and the immunity of employers."),
    }
    md = folder / "notes.md"
    md.write_text("# Guide for shelters\n\nShelters offer a reflection period of three months to presumed victims.\n")
    files["markdown"] = md
    records = folder / "records.jsonl"
    records.write_text("\n".join(json.dumps(r) for r in [
        {"_id": "r1", "title": "Debt bondage", "text": "Debt bondage keeps migrant workers in brick kilns.",
         "country": "IN"},
        {"_id": "r2", "title": "Organ removal", "text": "Trafficking for the removal of organs is rare."},
    ]) + "\n")
    files["records"] = records
    return files
