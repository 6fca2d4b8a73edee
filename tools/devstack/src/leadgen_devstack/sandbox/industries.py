"""Industries of the synthetic companies, with what Clearbit and LinkedIn say about each.

The first four are the sample ICP's industries; the "tech-adjacent" ones are close
enough to share its titles and pain points (partial matches); the rest are unrelated.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Industry:
    name: str
    tech: bool  # drives country mix, titles, pain points and tech stack
    weight: float  # share of companies
    sector: str  # Clearbit category (GICS-style)
    industry_group: str
    sub_industry: str
    sic_code: str
    naics_code: str
    name_words: tuple[str, ...]  # second word of company names
    offering: str  # "{name} builds {offering} for {audience}"
    tags: tuple[str, ...]
    tlds: tuple[str, ...]  # preferred top-level domains besides the country's


_IT = ("Information Technology", "Software & Services")

INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "Software",
        True,
        0.14,
        *_IT,
        "Application Software",
        "7372",
        "511210",
        ("Labs", "Software", "Systems", ""),
        "workflow software",
        ("Technology", "B2B", "Enterprise", "Software"),
        ("io", "com"),
    ),
    Industry(
        "SaaS",
        True,
        0.13,
        *_IT,
        "Application Software",
        "7372",
        "511210",
        ("", "HQ", "App", "Cloud"),
        "a subscription platform",
        ("SAAS", "B2B", "Technology", "Enterprise"),
        ("io", "com", "app"),
    ),
    Industry(
        "Cloud Computing",
        True,
        0.07,
        *_IT,
        "Internet Services & Infrastructure",
        "7374",
        "518210",
        ("Cloud", "Compute", "Networks", ""),
        "cloud infrastructure",
        ("Cloud Computing", "Infrastructure", "B2B", "Technology"),
        ("io", "cloud", "com"),
    ),
    Industry(
        "Cybersecurity",
        True,
        0.06,
        *_IT,
        "Systems Software",
        "7372",
        "541512",
        ("Security", "Shield", "Defense", ""),
        "threat detection and compliance tooling",
        ("Security", "B2B", "Enterprise", "Technology"),
        ("io", "com", "security"),
    ),
    Industry(
        "IT Services",
        True,
        0.07,
        *_IT,
        "IT Consulting & Other Services",
        "7371",
        "541511",
        ("Consulting", "Digital", "Solutions", "Partners"),
        "digital transformation services",
        ("Consulting & Professional Services", "B2B", "Technology"),
        ("com",),
    ),
    Industry(
        "Data & Analytics",
        True,
        0.05,
        *_IT,
        "Application Software",
        "7374",
        "518210",
        ("Analytics", "Data", "Insights", ""),
        "analytics and data pipelines",
        ("Analytics", "Big Data", "B2B", "Technology"),
        ("ai", "io", "com"),
    ),
    Industry(
        "Artificial Intelligence",
        True,
        0.04,
        *_IT,
        "Application Software",
        "7372",
        "541715",
        ("AI", "Intelligence", "Labs", ""),
        "machine learning products",
        ("Artificial Intelligence", "Machine Learning", "B2B", "Technology"),
        ("ai", "io"),
    ),
    Industry(
        "Fintech",
        False,
        0.08,
        "Financials",
        "Diversified Financials",
        "Consumer Finance",
        "6199",
        "522320",
        ("Pay", "Capital", "Ledger", "Finance"),
        "payments and lending",
        ("Financial Services", "Payments", "B2C", "Technology"),
        ("com", "finance"),
    ),
    Industry(
        "Healthcare",
        False,
        0.08,
        "Health Care",
        "Health Care Equipment & Services",
        "Health Care Services",
        "8000",
        "621111",
        ("Health", "Care", "Medical", "Clinics"),
        "patient care services",
        ("Health Care", "Medical", "B2C"),
        ("com", "health"),
    ),
    Industry(
        "Retail",
        False,
        0.07,
        "Consumer Discretionary",
        "Retailing",
        "Specialty Retail",
        "5900",
        "452319",
        ("Goods", "Market", "Supply", "Stores"),
        "consumer products",
        ("E-commerce", "Consumer Goods", "B2C", "Retail"),
        ("com", "shop", "store"),
    ),
    Industry(
        "Manufacturing",
        False,
        0.07,
        "Industrials",
        "Capital Goods",
        "Industrial Machinery",
        "3500",
        "333249",
        ("Industries", "Manufacturing", "Works", "Components"),
        "industrial equipment",
        ("Manufacturing", "Industrial", "B2B"),
        ("com",),
    ),
    Industry(
        "Education",
        False,
        0.05,
        "Consumer Discretionary",
        "Consumer Services",
        "Education Services",
        "8200",
        "611710",
        ("Learning", "Academy", "Education", ""),
        "learning programs",
        ("Education", "E-learning", "B2C"),
        ("com", "edu", "academy"),
    ),
    Industry(
        "Marketing & Advertising",
        False,
        0.05,
        "Communication Services",
        "Media",
        "Advertising",
        "7311",
        "541810",
        ("Media", "Creative", "Agency", "Studio"),
        "marketing campaigns",
        ("Marketing & Advertising", "Agency", "B2B"),
        ("com", "agency"),
    ),
    Industry(
        "Logistics",
        False,
        0.04,
        "Industrials",
        "Transportation",
        "Air Freight & Logistics",
        "4731",
        "488510",
        ("Logistics", "Freight", "Transport", "Shipping"),
        "freight and fulfilment",
        ("Logistics", "Transportation", "B2B"),
        ("com",),
    ),
)

INDUSTRY_BY_NAME: dict[str, Industry] = {industry.name.lower(): industry for industry in INDUSTRIES}

#: LinkedIn industry names and codes a criterion may use for one of ours.
INDUSTRY_ALIASES: dict[str, str] = {
    "computer software": "software",
    "software development": "software",
    "computer_software": "software",
    "software as a service": "saas",
    "software as a service (saas)": "saas",
    "cloud": "cloud computing",
    "computer & network security": "cybersecurity",
    "computer and network security": "cybersecurity",
    "computer_network_security": "cybersecurity",
    "information security": "cybersecurity",
    "security": "cybersecurity",
    "information technology & services": "it services",
    "information technology and services": "it services",
    "it services and it consulting": "it services",
    "analytics": "data & analytics",
    "ai": "artificial intelligence",
    "machine learning": "artificial intelligence",
    "financial services": "fintech",
    "hospital & health care": "healthcare",
    "health care": "healthcare",
    "e-learning": "education",
    "education management": "education",
    "consumer goods": "retail",
    "logistics and supply chain": "logistics",
    "logistics & supply chain": "logistics",
    "marketing and advertising": "marketing & advertising",
    "transportation/trucking/railroad": "logistics",
}

#: Clearbit's metrics.employeesRange buckets (upper bound inclusive, label).
CLEARBIT_EMPLOYEE_RANGES: tuple[tuple[int, str], ...] = (
    (10, "1-10"),
    (50, "11-50"),
    (250, "51-250"),
    (1000, "251-1K"),
    (5000, "1K-5K"),
    (10000, "5K-10K"),
    (50000, "10K-50K"),
    (100000, "50K-100K"),
)

#: LinkedIn's staffCountRange buckets (upper bound inclusive, enum, label).
LINKEDIN_STAFF_RANGES: tuple[tuple[int, str, str], ...] = (
    (1, "SIZE_1", "1"),
    (10, "SIZE_2_TO_10", "2-10"),
    (50, "SIZE_11_TO_50", "11-50"),
    (200, "SIZE_51_TO_200", "51-200"),
    (500, "SIZE_201_TO_500", "201-500"),
    (1000, "SIZE_501_TO_1000", "501-1000"),
    (5000, "SIZE_1001_TO_5000", "1001-5000"),
    (10000, "SIZE_5001_TO_10000", "5001-10000"),
)

#: Clearbit's metrics.estimatedAnnualRevenue buckets (upper bound in USD, label).
CLEARBIT_REVENUE_RANGES: tuple[tuple[int, str], ...] = (
    (1_000_000, "$0-$1M"),
    (10_000_000, "$1M-$10M"),
    (50_000_000, "$10M-$50M"),
    (100_000_000, "$50M-$100M"),
    (250_000_000, "$100M-$250M"),
    (500_000_000, "$250M-$500M"),
    (1_000_000_000, "$500M-$1B"),
    (10_000_000_000, "$1B-$10B"),
)


def clearbit_employees_range(employees: int) -> str:
    return next((label for top, label in CLEARBIT_EMPLOYEE_RANGES if employees <= top), "100K+")


def linkedin_staff_range(employees: int) -> tuple[str, str]:
    """(enum, label) of LinkedIn's staff count bucket, e.g. ("SIZE_51_TO_200", "51-200")."""
    return next(
        ((enum, label) for top, enum, label in LINKEDIN_STAFF_RANGES if employees <= top),
        ("SIZE_10001_OR_MORE", "10001+"),
    )


def clearbit_revenue_range(revenue: int) -> str:
    return next((label for top, label in CLEARBIT_REVENUE_RANGES if revenue <= top), "$10B+")
