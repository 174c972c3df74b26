"""English business documents (invoices, contracts, letters, reports) from templates.

Each generator takes a seeded ``random.Random`` and returns more blocks than
fit on one page; the layout keeps what fits. Text mixes the things real
documents have and OCR gets wrong: amounts, dates, reference numbers, e-mail
addresses, parentheses, and some typographic quotes and dashes.
"""
from __future__ import annotations

import random

from bench.blocks import Block, Heading, Lines, Paragraph, Table

COMPANIES = [
    "Northwind Logistics Ltd.", "Harbor & Pine Consulting LLC", "Meridian Health Partners",
    "Blue Ridge Components Inc.", "Castellan Software GmbH", "Oakfield Property Management",
    "Sterling Freight Services", "Larkspur Medical Supplies", "Redwood Analytics Corp.",
    "Granite Peak Engineering", "Whitmore & Daughters Bakery", "Silverline Facility Services",
]
FIRST = ["Laura", "James", "Priya", "Daniel", "Maria", "Thomas", "Aisha", "Robert", "Elena", "Kevin", "Sofia", "Michael"]
LAST = ["Bennett", "Okafor", "Schneider", "Nakamura", "Delgado", "Whitfield", "Kowalski", "Harrington", "Lindqvist", "Fontaine"]
STREETS = [
    "1420 Westlake Avenue, Suite 300", "77 Commercial Street", "2210 Riverside Drive, Unit 4B",
    "15 King William Street", "908 Industrial Parkway", "310 Market Square, Floor 2",
]
CITIES = ["Seattle, WA 98109", "Portland, OR 97204", "Boston, MA 02110", "Austin, TX 78701", "Denver, CO 80202", "Chicago, IL 60606"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
ITEMS = [
    "Annual software maintenance", "On-site installation (8 hours)", "Thermal label printer ZT-410",
    "Cloud storage, 2 TB plan", "Consulting services, March", "Replacement filter cartridges",
    "Freight and handling", "Ergonomic office chair", "Network switch, 24-port", "Training workshop (per seat)",
    "Laptop docking station", "Quarterly security audit", "Printed brochures, A4 color", "Data migration service",
    "Extended warranty, 3 years", "Conference room booking", "Safety gloves, size L (box)", "Server rack rental",
]


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _date(rng: random.Random) -> str:
    return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2022, 2025)}"


def _money(rng: random.Random, lo: int = 200, hi: int = 90_000) -> str:
    return f"${rng.randint(lo, hi):,}.{rng.randint(0, 99):02d}"


def _ref(rng: random.Random, prefix: str) -> str:
    return f"{prefix}-{rng.randint(2022, 2025)}-{rng.randint(100, 9999):04d}"


def _email(name: str, company: str) -> str:
    first, last = name.lower().split()
    domain = company.split()[0].lower().strip(",.&")
    return f"{first[0]}.{last}@{domain}.com"


def _fill(rng: random.Random, template: str, **extra: str) -> str:
    values = {
        "company": rng.choice(COMPANIES), "other": rng.choice(COMPANIES), "name": _name(rng),
        "date": _date(rng), "money": _money(rng), "small": _money(rng, 20, 900),
        "days": str(rng.choice([10, 14, 15, 30, 45, 60, 90])), "pct": f"{rng.randint(2, 38)}.{rng.randint(0, 9)}%",
        "num": str(rng.randint(3, 480)), "year": str(rng.randint(2022, 2025)), "ref": _ref(rng, "PO"),
        "city": rng.choice(CITIES).split(",")[0], "q": str(rng.randint(1, 4)), "month": rng.choice(MONTHS),
    }
    values.update(extra)
    return template.format(**values)


def _pool(rng: random.Random, templates: list[str], count: int, **extra: str) -> list[str]:
    """``count`` filled templates, each template used before any repeats."""
    out: list[str] = []
    while len(out) < count:
        order = templates[:]
        rng.shuffle(order)
        out.extend(_fill(rng, t, **extra) for t in order)
    return out[:count]


CONTRACT_CLAUSES = [
    ("Definitions", "In this Agreement, “Services” means the work described in Schedule A, and “Deliverables” means all documents, software and data produced by the Supplier for the Client under purchase order {ref}."),
    ("Term", "This Agreement commences on {date} and continues for an initial period of {num} days. Thereafter it renews automatically for successive twelve-month periods unless either party gives written notice of non-renewal at least {days} days before the end of the current period."),
    ("Fees and Payment", "The Client shall pay the fees set out in Schedule B within {days} days of the date of each invoice. Late payments bear interest at {pct} per annum, calculated daily from the due date until payment is received in full."),
    ("Confidentiality", "Each party shall keep confidential all information disclosed by the other party that is marked as confidential or that a reasonable person would regard as such, and shall not use it except to perform its obligations under this Agreement."),
    ("Limitation of Liability", "Neither party shall be liable for indirect or consequential loss. The total liability of the Supplier in any contract year shall not exceed the fees paid in that year or {money}, whichever is lower."),
    ("Termination", "Either party may terminate this Agreement with immediate effect by written notice if the other party commits a material breach that is not remedied within {days} days after receiving notice of the breach."),
    ("Governing Law", "This Agreement is governed by the laws of the State of Washington. The courts located in {city} shall have exclusive jurisdiction over any dispute arising out of or in connection with it."),
    ("Force Majeure", "A party is not in breach of this Agreement if it is prevented from performing by events beyond its reasonable control, including fire, flood, strikes or the failure of a public utility, provided it notifies the other party without delay."),
    ("Notices", "Any notice under this Agreement shall be in writing and delivered by hand, by courier or by e-mail to the address of the receiving party stated above; a notice sent by e-mail is deemed received on the next business day."),
    ("Intellectual Property", "All intellectual property rights in the Deliverables vest in the Client upon full payment. The Supplier retains its pre-existing tools and know-how and grants the Client a non-exclusive licence to use them with the Deliverables."),
    ("Warranties", "The Supplier warrants that the Services will be performed with reasonable skill and care by qualified personnel, and that the Deliverables will conform to the specification for a period of {num} days after acceptance."),
    ("Entire Agreement", "This Agreement, together with its schedules, constitutes the entire agreement between the parties and supersedes all prior proposals, whether written or oral – including the quotation dated {date}."),
    ("Insurance", "During the term the Supplier shall maintain professional liability insurance with a limit of not less than {money} per claim and shall provide a certificate of insurance on request."),
    ("Assignment", "Neither party may assign or transfer any of its rights under this Agreement without the prior written consent of the other party, which shall not be unreasonably withheld or delayed."),
]

LETTER_BODIES = [
    "Thank you for your order {ref} received on {date}. We are pleased to confirm that all {num} items are in stock and will be shipped from our warehouse in {city} within five business days.",
    "As discussed during our meeting last Tuesday, we have reviewed the draft budget for the coming year. The revised figures reduce operating costs by {pct} while keeping the planned investment in new equipment.",
    "Please note that, due to a delay at the port of entry, the delivery scheduled for {date} will arrive approximately {days} days later than planned. We apologize for the inconvenience this may cause.",
    "With effect from {date}, our price list will be adjusted by an average of {pct}. Orders placed before that date will be invoiced at the current prices, and existing framework agreements are not affected.",
    "Our records show that invoice {ref} for {money} remains unpaid, although it was due on {date}. If you have already arranged payment, please disregard this reminder; otherwise we kindly ask you to settle the balance.",
    "We would like to invite you to the annual partner conference, which will take place in {city} on {date}. The program includes workshops on supply chain planning, customer service and the new ordering portal.",
    "Enclosed you will find the signed copy of the service agreement, the updated contact list and the schedule of on-site visits for the next quarter. Please return one countersigned copy by {date}.",
    "If you have any questions about this letter, please contact {name} on (206) 555-0{num} or by e-mail. We value our partnership with {other} and look forward to continuing our work together.",
    "The inspection carried out on {date} found that the fire doors on floors 2 and 3 do not close fully. Repairs have been ordered and are expected to cost about {money}, which is covered by the maintenance contract.",
    "Following your request, we have extended the payment terms for your account to {days} days net. This change applies to all invoices issued after {date} and will be reviewed again in {month}.",
]

REPORT_SECTIONS = [
    "Summary", "Revenue and Margins", "Operations", "Customers", "Staffing", "Risks", "Capital Expenditure", "Outlook",
]
REPORT_SENTENCES = [
    "Revenue for the quarter reached {money}, an increase of {pct} compared with the same period last year.",
    "Gross margin improved to {pct}, mainly because freight costs fell and fewer orders required express delivery.",
    "The number of active customers grew to {num}, with the strongest growth in the healthcare and education sectors.",
    "Operating expenses were {money}, slightly above budget, as we hired additional staff for the new service desk.",
    "Average order processing time fell from 3.4 days to 2.1 days after the warehouse management system went live in {month}.",
    "Customer satisfaction, measured by the quarterly survey, stood at {pct} positive responses out of {num} replies.",
    "Two suppliers in {city} missed their delivery dates, which delayed about {num} orders by up to one week.",
    "We invested {money} in new packaging lines; the equipment is expected to pay for itself within {num} months.",
    "Staff turnover decreased to {pct}, and the team completed {num} hours of safety training during the quarter.",
    "The main risks for next year are rising energy prices, longer lead times for electronic parts and currency movements.",
    "Cash and cash equivalents at the end of the quarter amounted to {money}, with no drawings on the credit facility.",
    "For the full year {year} we expect revenue growth of between 6% and 9%, assuming stable demand in our core markets.",
    "The board approved a budget of {money} for the renovation of the head office, to be completed by {date}.",
    "Returns and credit notes fell to {pct} of sales after the quality checks at goods receipt were tightened.",
    "The pilot project with {company} ended on {date}; its results will be presented at the next management meeting.",
]


def invoice(rng: random.Random) -> list[Block]:
    seller, buyer = rng.sample(COMPANIES, 2)
    contact = _name(rng)
    rows = []
    subtotal = 0
    for i, item in enumerate(rng.sample(ITEMS, rng.randint(9, 14)), 1):
        qty = rng.choice([1, 1, 2, 3, 4, 5, 10, 12, 20, 25])
        unit = rng.randint(15, 4_800) * 100 + rng.choice([0, 50, 99])
        subtotal += qty * unit
        rows.append((str(i), item, str(qty), f"{unit / 100:,.2f}", f"{qty * unit / 100:,.2f}"))
    tax = round(subtotal * 0.08)
    return [
        Heading(f"INVOICE {_ref(rng, 'INV')}", level=0),
        Lines((seller, rng.choice(STREETS), rng.choice(CITIES), f"Tax ID: {rng.randint(10, 99)}-{rng.randint(1000000, 9999999)}")),
        Lines((f"Bill to: {buyer}", f"Attn: {contact}", rng.choice(STREETS), rng.choice(CITIES))),
        Lines((f"Invoice date: {_date(rng)}", f"Purchase order: {_ref(rng, 'PO')}", f"Payment due: {_date(rng)}")),
        Table(("No.", "Description", "Qty", "Unit price", "Amount"), tuple(rows), (False, False, True, True, True)),
        Lines((f"Subtotal: ${subtotal / 100:,.2f}", f"Sales tax (8%): ${tax / 100:,.2f}", f"Total due: ${(subtotal + tax) / 100:,.2f}")),
        Paragraph(_fill(rng, "Payment terms: net {days} days. Please quote the invoice number with your payment and transfer the amount to account 4471-0093-{num} at First Harbor Bank. Questions about this invoice can be sent to {email}.", email=_email(contact, seller))),
        Paragraph(_fill(rng, "Goods remain the property of {company} until paid in full. Claims for damaged or missing items must be made within {days} days of delivery; late claims cannot be accepted.", company=seller)),
    ]


def contract(rng: random.Random) -> list[Block]:
    supplier, client = rng.sample(COMPANIES, 2)
    blocks: list[Block] = [
        Heading("SERVICE AGREEMENT", level=0),
        Paragraph(f"This Service Agreement (the “Agreement”) is made on {_date(rng)} between {supplier}, {rng.choice(STREETS)}, {rng.choice(CITIES)} (the “Supplier”), and {client}, {rng.choice(STREETS)}, {rng.choice(CITIES)} (the “Client”)."),
    ]
    clauses = CONTRACT_CLAUSES[:]
    rng.shuffle(clauses)
    for n, (title, text) in enumerate(clauses, 1):
        blocks.append(Heading(f"{n}. {title}"))
        blocks.append(Paragraph(_fill(rng, text)))
    return blocks


def letter(rng: random.Random) -> list[Block]:
    sender, recipient_co = rng.sample(COMPANIES, 2)
    recipient, signer = _name(rng), _name(rng)
    surname = recipient.split()[1]
    bodies = _pool(rng, LETTER_BODIES, 12)
    return [
        Heading(sender, level=0),
        Lines((rng.choice(STREETS), rng.choice(CITIES), f"Phone (206) 555-01{rng.randint(10, 99)} · {_email(signer, sender)}")),
        Lines((_date(rng),)),
        Lines((recipient, recipient_co, rng.choice(STREETS), rng.choice(CITIES))),
        Lines((f"Re: Our reference {_ref(rng, 'CS')}",)),
        Lines((f"Dear {rng.choice(['Ms.', 'Mr.', 'Dr.'])} {surname},",)),
        *[Paragraph(b) for b in bodies[:3]],
        Lines(("Sincerely,", signer, rng.choice(["Account Manager", "Head of Customer Service", "Finance Director", "Operations Manager"]))),
        Lines((f"Enclosures: {rng.randint(2, 4)}", f"cc: {_name(rng)}, {sender}")),
        *[Paragraph(b) for b in bodies[3:]],
    ]


def report(rng: random.Random) -> list[Block]:
    company = rng.choice(COMPANIES)
    blocks: list[Block] = [Heading(f"{company} – Quarterly Report Q{rng.randint(1, 4)} {rng.randint(2022, 2025)}", level=0)]
    sentences = _pool(rng, REPORT_SENTENCES, 64)
    for n, title in enumerate(REPORT_SECTIONS, 1):
        blocks.append(Heading(f"{n}. {title}"))
        for _ in range(2):
            k = rng.randint(2, 4)
            take, sentences = sentences[:k], sentences[k:]
            blocks.append(Paragraph(" ".join(take)))
    return blocks


GENERATORS = {"invoice": invoice, "contract": contract, "letter": letter, "report": report}
