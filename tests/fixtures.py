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


# ----- other formats -------------------------------------------------------------------------------
SLIDES = [
    ("Labour exploitation in the Netherlands", ["Seasonal workers recruited through agencies",
                                                "Passports taken by employers"],
     "Stress that labour inspectors are often the first to meet victims."),
    ("National referral mechanism", ["Identification, shelter and legal aid", "Reflection period of three months"],
     "Mention the multidisciplinary approach of the OSCE handbook."),
    ("Questions", [], ""),
]


def make_pptx(path: Path, slides: list[tuple[str, list[str], str]] = SLIDES, *, table: bool = True,
              title: str | None = None) -> Path:
    """A presentation: a title and bullet points per slide, speaker notes, and a table on slide 2."""
    from pptx import Presentation
    from pptx.util import Inches

    deck = Presentation()
    if title:
        deck.core_properties.title = title
    for number, (heading, bullets, notes) in enumerate(slides, start=1):
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = heading
        body = slide.placeholders[1].text_frame
        for i, bullet in enumerate(bullets):
            paragraph = body.paragraphs[0] if i == 0 else body.add_paragraph()
            paragraph.text = bullet
        if notes:
            slide.notes_slide.notes_text_frame.text = notes
        if table and number == 2:
            shape = slide.shapes.add_table(2, 2, Inches(1), Inches(5), Inches(6), Inches(1))
            for (r, c), value in {(0, 0): "Year", (0, 1): "Victims", (1, 0): "2022", (1, 1): "1,234"}.items():
                shape.table.cell(r, c).text = value
    deck.save(str(path))
    return path


def make_docx(path: Path, *, page_break: bool = True, author: str | None = None) -> Path:
    """A Word document with a title, headings, body paragraphs, a table and (optionally) a page break."""
    import docx

    document = docx.Document()
    if author:
        document.core_properties.author = author
    document.add_heading("Guidelines on compensation for trafficked persons", level=0)
    document.add_heading("Introduction", level=1)
    document.add_paragraph("Victims of trafficking in human beings rarely receive compensation from the offender. "
                           "This guide explains the legal avenues in criminal and civil proceedings.")
    table = document.add_table(rows=2, cols=2)
    for (r, c), value in {(0, 0): "Country", (0, 1): "Fund", (1, 0): "Belgium", (1, 1): "Yes"}.items():
        table.cell(r, c).text = value
    if page_break:
        document.add_page_break()
    document.add_heading("State compensation funds", level=1)
    document.add_paragraph("A state fund should advance the payment when the offender cannot pay.")
    document.save(str(path))
    return path


WEB_PAGE = """<!DOCTYPE html><html lang="en"><head><title>National Referral Mechanisms | OSCE</title>
<meta name="author" content="OSCE/ODIHR"><meta property="article:published_time" content="2022-05-04">
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About us</a></li><li>Menu item MENUWORD</li></ul></nav>
<div class="cookie">We use cookies COOKIEWORD to improve your experience. Accept all cookies.</div>
<main><article><h1>National Referral Mechanisms</h1>
<p>National referral mechanisms are co-operative frameworks through which state actors fulfil their obligations
to protect and promote the human rights of trafficked persons, co-ordinating their efforts in a strategic
partnership with civil society. The OSCE Office for Democratic Institutions and Human Rights (ODIHR) published
a practical handbook on the subject.</p>
<h2>Identification</h2>
<p>Identification of presumed victims of trafficking is the first step and requires trained front-line staff,
clear indicators and a referral to specialised assistance services.</p></article></main>
<footer>Copyright 2024 Organization. Privacy policy FOOTERWORD. Terms of use.</footer></body></html>"""


def make_html(path: Path, html: str = WEB_PAGE) -> Path:
    """A saved web page with navigation, a cookie banner and a footer around the article."""
    path.write_text(html, encoding="utf-8")
    return path


GRETA_PAGES = [
    "GRETA(2023)05\n"
    "Evaluation Report\n"
    "Netherlands\n"
    "Third evaluation round\n"
    "Access to justice and effective remedies for victims of trafficking in human beings\n"
    "Group of Experts on Action against Trafficking in Human Beings\n"
    "Published on 12 June 2023",
    "Introduction\n"
    "The third evaluation round of the Council of Europe Convention on Action against Trafficking in Human Beings "
    "focuses on access to justice. GRETA visited the Netherlands and met the National Rapporteur.",
]


def make_scanned_text_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF page that is one picture of typed text (no text layer), as a scanner would make it."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 44)
    except OSError:
        font = ImageFont.load_default(size=44)
    for i, line in enumerate(lines):
        draw.text((150, 200 + i * 90), line, fill=0, font=font)
    c = canvas.Canvas(str(path), pagesize=A4)
    c.drawImage(ImageReader(image), 0, 0, width=A4[0], height=A4[1])
    c.showPage()
    c.save()
    return path


def make_glued_scan_pdf(path: Path, lines: list[str]) -> Path:
    """A scanned page whose hidden OCR text layer lost the spaces between words, as some scanners write it: the
    picture shows the lines, the layer holds them run together ("Slachtoffershebbenrechtopopvang")."""
    scan = PdfReader(str(make_scanned_text_pdf(path.with_name(path.stem + "-image.pdf"), lines)))
    layer = io.BytesIO()
    c = canvas.Canvas(layer, pagesize=A4)
    text = c.beginText(72, 760)
    text.setTextRenderMode(3)  # invisible, as an OCR layer over a scan
    text.setFont("Helvetica", 11)
    for line in lines:
        text.textLine(line.replace(" ", ""))
    c.drawText(text)
    c.showPage()
    c.save()
    writer = PdfWriter(clone_from=scan)
    writer.pages[0].merge_page(PdfReader(io.BytesIO(layer.getvalue())).pages[0])
    with path.open("wb") as handle:
        writer.write(handle)
    return path


def make_image_bomb_pdf(path: Path, width: int = 60000, height: int = 60000) -> Path:
    """A one-page PDF whose only image claims to be width×height pixels (a few bytes compressed)."""
    import zlib

    row = b"\x00" * width
    data = zlib.compress(row * 16, 9)  # the stream is short; the dictionary claims the huge size
    return _write_raw_pdf(path, [
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(data)) + data + b"\nendstream",
        b"<< /Length 33 >>\nstream\nq 595 0 0 842 0 0 cm /Im0 Do Q\nendstream",
    ], b"/XObject << /Im0 4 0 R >>")


def make_stream_bomb_pdf(path: Path, unpacked_mb: int = 120) -> Path:
    """A one-page PDF whose content stream inflates from about 100 KB to unpacked_mb megabytes."""
    import zlib

    data = zlib.compress(b"BT /F1 12 Tf 72 712 Td (x) Tj ET\n" + b" " * (unpacked_mb * 1_000_000), 9)
    return _write_raw_pdf(path, [
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ], b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>")


def _write_raw_pdf(path: Path, extra_objects: list[bytes], resources: bytes) -> Path:
    """A one-page PDF written by hand: objects 1-3 are catalog, pages and page; the page draws the last object."""
    contents = len(extra_objects) + 3
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << " + resources + b" >> "
        b"/Contents %d 0 R >>" % contents,
        *extra_objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    path.write_bytes(out.getvalue())
    return path


def make_zip_bomb_docx(path: Path, unpacked_mb: int = 50) -> Path:
    """A .docx whose one extra part unpacks to unpacked_mb megabytes of zeros (a few dozen KB packed)."""
    import zipfile

    make_docx(path)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/padding.bin", "w", force_zip64=True) as handle:
            block = b"\x00" * (1 << 20)
            for _ in range(unpacked_mb):
                handle.write(block)
    return path


def make_slow_page_pdf(path: Path, operations: int = 60_000) -> Path:
    """A one-page PDF whose page takes seconds to extract (many text runs, under pypdf's tokens-per-stream limit):
    no check between pages helps."""
    content = "".join(f"BT /F1 1 Tf 1 0 0 1 {i % 500} {i % 700} Tm (w{i % 97} {'slow text ' * 12}) Tj ET\n"
                      for i in range(operations)).encode()
    streams = [b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"]
    refs = b"5 0 R"
    bodies = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
              b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents [" + refs + b"] "
              b"/Resources << /Font << /F1 4 0 R >> >> >>",
              b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>", *streams]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    path.write_bytes(bytes(out))
    return path


# A GRETA-style country report: numbered paragraphs with GRETA's graded requests, a practice it welcomes, a
# paragraph that only tells of an earlier round's request, and the appendix that repeats the requests.
GRETA_REPORT_PAGES = [
    "Evaluation Report\nNETHERLANDS\nThird evaluation round\nAccess to justice and effective remedies for victims of "
    "trafficking in human beings\nGRETA(2023)05\nPublished on 14 March 2023\nGroup of Experts on Action against "
    "Trafficking in Human Beings (GRETA)\nCouncil of Europe",
    "1. Compensation\n44. In its second report, GRETA urged the Dutch authorities to improve the identification of "
    "victims.\nProgress has been made since then, as the figures below show.\n45. GRETA urges the Dutch authorities "
    "to ensure that victims of trafficking receive compensation from the perpetrators, including by making full use "
    "of financial investigations and of the legislation on the confiscation of criminal assets.\n46. GRETA considers "
    "that the authorities should provide specialised shelters for male victims of labour exploitation across the "
    "country.\n47. GRETA welcomes the setting up of a national referral mechanism for victims of labour "
    "exploitation, which brings together the police, the labour inspectorate and NGOs.\n48. GRETA invites the "
    "authorities to continue training labour inspectors to detect signs of forced labour in agriculture.",
    "Appendix - List of GRETA's conclusions and proposals for action\n- GRETA urges the Dutch authorities to ensure "
    "that victims of trafficking receive compensation from the perpetrators, including by making full use of "
    "financial investigations and of the legislation on the confiscation of criminal assets (paragraph 45).\n"
    "- GRETA considers that the authorities should provide specialised shelters for male victims of labour "
    "exploitation across the country (paragraph 46).",
]


def make_greta_report(path: Path) -> Path:
    """A generated GRETA-style evaluation report (three pages) with its metadata in the PDF's own fields."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle("Evaluation Report Netherlands: third evaluation round")
    c.setAuthor("GRETA")
    for text in GRETA_REPORT_PAGES:
        y = 800
        for line in _wrap(text):
            c.setFont("Helvetica", 10)
            c.drawString(50, y, line)
            y -= 16
        c.showPage()
    c.save()
    path.write_bytes(buf.getvalue())
    return path


def with_info(path: Path, info: dict[str, str]) -> Path:
    """Rewrite a PDF with entries in its information dictionary."""
    writer = PdfWriter(clone_from=PdfReader(str(path)))
    writer.add_metadata(info)
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def write_markdown_documents(folder: Path, docs: dict[str, tuple[str, str, str]]) -> Path:
    """Markdown files named by the keys, each (title, language, text) in its front matter and body."""
    folder.mkdir(exist_ok=True)
    for name, (title, language, text) in docs.items():
        (folder / name).write_text(f"---\ntitle: {title}\nlanguage: {language}\n---\n\n{text}\n")
    return folder
