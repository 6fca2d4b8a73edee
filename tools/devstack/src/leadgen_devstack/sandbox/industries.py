"""Industries of the synthetic companies, and what LinkedIn, Clearbit, Facebook and X call them.

The first four are the sample ICP's industries (Software, SaaS, Cloud Computing,
Cybersecurity); the rest cover the common B2B verticals, so any reasonable ICP finds
companies. Each industry carries its LinkedIn V1 name and code (what a LinkedIn search
sends, see the shared linkedin_industries table), its Clearbit category, the words a bio
uses for it on X, its Facebook work industry, and concerns its people talk about.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .shared_tables import text_key


@dataclass(frozen=True, slots=True)
class Industry:
    name: str
    tech: bool  # drives country mix, tech stack and how technical its people sound
    weight: float  # share of companies among the background population
    sector: str  # Clearbit category (GICS-style)
    industry_group: str
    sub_industry: str
    sic_code: str
    naics_code: str
    linkedin_name: str  # LinkedIn V1 industry name
    linkedin_id: str  # LinkedIn V1 industry code
    name_words: tuple[str, ...]  # second word of company names
    offering: str  # "{name} builds {offering} for {audience}"
    tags: tuple[str, ...]
    tlds: tuple[str, ...]  # preferred top-level domains besides the country's
    bio_terms: tuple[str, ...]  # how a bio on X names the industry
    facebook_industry: str  # Facebook work industry of people outside tech functions
    concerns: tuple[str, ...]  # what people in this industry talk about
    aliases: tuple[str, ...] = ()
    index: int = 0


_IT = ("Information Technology", "Software & Services")


def _i(
    name: str,
    tech: bool,
    weight: float,
    category: tuple[str, ...],
    linkedin: tuple[str, str],
    words: str,
    offering: str,
    tags: str,
    tlds: str,
    bio: str,
    facebook: str,
    concerns: str,
    aliases: str = "",
) -> Industry:
    sector, group, sub, sic, naics = category
    return Industry(
        name,
        tech,
        weight,
        sector,
        group,
        sub,
        sic,
        naics,
        linkedin[0],
        linkedin[1],
        tuple(words.split("|")),
        offering,
        tuple(tags.split("|")),
        tuple(tlds.split("|")),
        tuple(bio.split("|")),
        facebook,
        tuple(c for c in concerns.split("|") if c),
        tuple(a for a in aliases.split("|") if a),
    )


_ROWS = (
    _i(
        "Software",
        True,
        0.050,
        (*_IT, "Application Software", "7372", "511210"),
        ("Computer Software", "4"),
        "Labs|Software|Systems|",
        "workflow software",
        "Technology|B2B|Enterprise|Software",
        "io|com",
        "software|B2B software",
        "IT and Technical Services",
        "",
        "software development|enterprise software|computer software|b2b software",
    ),
    _i(
        "SaaS",
        True,
        0.045,
        (*_IT, "Application Software", "7372", "511210"),
        ("Software as a Service (SaaS)", "4"),
        "|HQ|App|Cloud",
        "a subscription platform",
        "SAAS|B2B|Technology|Enterprise",
        "io|com|app",
        "SaaS|B2B SaaS",
        "IT and Technical Services",
        "",
        "saas|software as a service|b2b saas",
    ),
    _i(
        "Cloud Computing",
        True,
        0.025,
        (*_IT, "Internet Services & Infrastructure", "7374", "518210"),
        ("Cloud Computing", "96"),
        "Cloud|Compute|Networks|",
        "cloud infrastructure",
        "Cloud Computing|Infrastructure|B2B|Technology",
        "io|cloud|com",
        "cloud|cloud infra",
        "IT and Technical Services",
        "",
        "cloud|cloud infrastructure",
    ),
    _i(
        "Cybersecurity",
        True,
        0.020,
        (*_IT, "Systems Software", "7372", "541512"),
        ("Computer & Network Security", "118"),
        "Security|Shield|Defense|",
        "threat detection and compliance tooling",
        "Security|B2B|Enterprise|Technology",
        "io|com|security",
        "cybersecurity|infosec",
        "IT and Technical Services",
        "",
        "cyber security|information security|infosec|computer and network security|security",
    ),
    _i(
        "IT Services",
        True,
        0.040,
        (*_IT, "IT Consulting & Other Services", "7371", "541511"),
        ("Information Technology & Services", "96"),
        "Consulting|Digital|Solutions|Partners",
        "digital transformation services",
        "Consulting & Professional Services|B2B|Technology",
        "com",
        "IT services|digital transformation",
        "IT and Technical Services",
        "",
        "information technology and services|it services and it consulting|it consulting",
    ),
    _i(
        "Data & Analytics",
        True,
        0.020,
        (*_IT, "Application Software", "7374", "518210"),
        ("Data & Analytics", "84"),
        "Analytics|Data|Insights|",
        "analytics and data pipelines",
        "Analytics|Big Data|B2B|Technology",
        "ai|io|com",
        "analytics|data",
        "Computation and Mathematics",
        "",
        "analytics|data analytics|big data",
    ),
    _i(
        "Artificial Intelligence",
        True,
        0.018,
        (*_IT, "Application Software", "7372", "541715"),
        ("Artificial Intelligence", "4"),
        "AI|Intelligence|Labs|",
        "machine learning products",
        "Artificial Intelligence|Machine Learning|B2B|Technology",
        "ai|io",
        "AI|machine learning",
        "Computation and Mathematics",
        "",
        "ai|machine learning",
    ),
    _i(
        "Financial Services",
        False,
        0.045,
        ("Financials", "Diversified Financials", "Consumer Finance", "6199", "522320"),
        ("Financial Services", "43"),
        "Pay|Capital|Ledger|Finance",
        "payments and lending",
        "Financial Services|Payments|Technology",
        "com|finance",
        "fintech|financial services",
        "Business and Finance",
        "fraud prevention|regulatory reporting|digital banking",
        "fintech|financial technology|payments",
    ),
    _i(
        "Banking",
        False,
        0.030,
        ("Financials", "Banks", "Diversified Banks", "6021", "522110"),
        ("Banking", "41"),
        "Bank|Trust|Savings|Financial",
        "retail and commercial banking",
        "Banking|Financial Services|B2C",
        "com|bank",
        "banking",
        "Business and Finance",
        "regulatory reporting|risk management|digital banking",
        "banks|bank",
    ),
    _i(
        "Insurance",
        False,
        0.030,
        ("Financials", "Insurance", "Multi-line Insurance", "6411", "524210"),
        ("Insurance", "42"),
        "Insurance|Assurance|Mutual|Cover",
        "insurance policies",
        "Insurance|Financial Services|B2C",
        "com|insurance",
        "insurance|insurtech",
        "Business and Finance",
        "claims automation|risk management|underwriting",
        "insurtech",
    ),
    _i(
        "Healthcare",
        False,
        0.060,
        (
            "Health Care",
            "Health Care Equipment & Services",
            "Health Care Services",
            "8000",
            "621111",
        ),
        ("Hospital & Health Care", "14"),
        "Health|Care|Medical|Clinics",
        "patient care services",
        "Health Care|Medical|B2C",
        "com|health",
        "healthcare|health tech",
        "Healthcare and Medical Services",
        "patient outcomes|clinical workflows|telehealth",
        "health care|hospital and health care|hospitals and health care|hospitals|medical",
    ),
    _i(
        "Pharmaceuticals",
        False,
        0.025,
        (
            "Health Care",
            "Pharmaceuticals, Biotechnology & Life Sciences",
            "Pharmaceuticals",
            "2834",
            "325412",
        ),
        ("Pharmaceuticals", "15"),
        "Pharma|Therapeutics|Bio|Labs",
        "medicines",
        "Pharmaceuticals|Life Sciences|B2B",
        "com",
        "pharma|life sciences",
        "Life Sciences",
        "clinical trials|regulatory submissions|drug discovery",
        "pharma|pharmaceutical|pharmaceutical manufacturing",
    ),
    _i(
        "Retail",
        False,
        0.060,
        ("Consumer Discretionary", "Retailing", "Specialty Retail", "5900", "452319"),
        ("Retail", "27"),
        "Goods|Market|Supply|Stores",
        "consumer products",
        "E-commerce|Consumer Goods|B2C|Retail",
        "com|shop|store",
        "retail|ecommerce",
        "Sales",
        "omnichannel retail|store footfall|inventory turnover",
        "e-commerce|ecommerce|online retail|retail trade",
    ),
    _i(
        "Manufacturing",
        False,
        0.060,
        ("Industrials", "Capital Goods", "Industrial Machinery", "3500", "333249"),
        ("Manufacturing", "135"),
        "Industries|Manufacturing|Works|Components",
        "industrial equipment",
        "Manufacturing|Industrial|B2B",
        "com",
        "manufacturing|industry 4.0",
        "Production",
        "lean manufacturing|supply chain resilience|factory automation",
        "industrial|industrial manufacturing|mechanical or industrial engineering|machinery",
    ),
    _i(
        "Automotive",
        False,
        0.025,
        (
            "Consumer Discretionary",
            "Automobiles & Components",
            "Automotive Parts & Equipment",
            "3714",
            "336390",
        ),
        ("Automotive", "53"),
        "Motors|Automotive|Mobility|Drive",
        "vehicle components",
        "Automotive|Manufacturing|B2B",
        "com",
        "automotive|mobility",
        "Production",
        "electric vehicles|supply chain resilience|lean manufacturing",
        "auto|automobiles|motor vehicle manufacturing",
    ),
    _i(
        "Education",
        False,
        0.050,
        ("Consumer Discretionary", "Consumer Services", "Education Services", "8200", "611710"),
        ("Education Management", "69"),
        "Learning|Academy|Education|",
        "learning programs",
        "Education|E-learning|B2C",
        "com|edu|academy",
        "education|edtech",
        "Education and Libraries",
        "student engagement|curriculum design|online learning",
        "education|higher education|e-learning|elearning|edtech|e-learning providers",
    ),
    _i(
        "Government",
        False,
        0.040,
        ("Government", "Public Administration", "Executive Offices", "9111", "921110"),
        ("Government Administration", "75"),
        "Agency|Authority|Services|Office",
        "public services",
        "Government|Public Sector",
        "gov|org",
        "government|public sector",
        "Government Employees (Global)",
        "citizen services|public procurement|digital government",
        "government|public sector|govtech|public administration",
    ),
    _i(
        "Energy",
        False,
        0.035,
        ("Energy", "Energy", "Integrated Oil & Gas", "1311", "211120"),
        ("Oil & Energy", "57"),
        "Energy|Power|Resources|Grid",
        "energy supply",
        "Energy|Utilities|B2B",
        "com|energy",
        "energy|oil and gas",
        "Construction and Extraction",
        "energy transition|grid reliability|asset maintenance",
        "energy|oil and gas|oil & gas|power",
    ),
    _i(
        "Logistics",
        False,
        0.045,
        ("Industrials", "Transportation", "Air Freight & Logistics", "4731", "488510"),
        ("Logistics and Supply Chain", "116"),
        "Logistics|Freight|Transport|Shipping",
        "freight and fulfilment",
        "Logistics|Transportation|B2B",
        "com",
        "logistics|supply chain",
        "Transportation and Moving",
        "last-mile delivery|fleet utilisation|warehouse automation",
        "logistics|supply chain|freight|transportation|logistics & supply chain",
    ),
    _i(
        "Media",
        False,
        0.035,
        ("Communication Services", "Media & Entertainment", "Publishing", "7812", "512110"),
        ("Media Production", "126"),
        "Media|Studios|Pictures|Press",
        "digital content",
        "Media|Entertainment|B2C",
        "com|media|tv",
        "media|digital media",
        "Arts, Entertainment, Sports and Media",
        "audience growth|content monetisation|streaming",
        "media|digital media|media and entertainment",
    ),
    _i(
        "Marketing & Advertising",
        False,
        0.035,
        ("Communication Services", "Media", "Advertising", "7311", "541810"),
        ("Marketing & Advertising", "80"),
        "Media|Creative|Agency|Studio",
        "marketing campaigns",
        "Marketing & Advertising|Agency|B2B",
        "com|agency",
        "marketing|adtech",
        "Arts, Entertainment, Sports and Media",
        "campaign ROI|brand awareness|client retention",
        "marketing|advertising|marketing and advertising|digital marketing",
    ),
    _i(
        "Telecommunications",
        False,
        0.025,
        (
            "Communication Services",
            "Telecommunication Services",
            "Integrated Telecommunication Services",
            "4813",
            "517311",
        ),
        ("Telecommunications", "8"),
        "Telecom|Networks|Mobile|Connect",
        "connectivity",
        "Telecommunications|B2C|B2B",
        "com|net",
        "telecom|5G",
        "IT and Technical Services",
        "network reliability|5G rollout|customer churn",
        "telecom|telco|wireless",
    ),
    _i(
        "Real Estate",
        False,
        0.030,
        ("Real Estate", "Real Estate", "Real Estate Services", "6531", "531210"),
        ("Real Estate", "44"),
        "Properties|Realty|Estates|Homes",
        "property services",
        "Real Estate|B2C",
        "com|realty",
        "real estate|proptech",
        "Business and Finance",
        "occupancy rates|property management|tenant experience",
        "proptech|property|commercial real estate",
    ),
    _i(
        "Construction",
        False,
        0.035,
        ("Industrials", "Capital Goods", "Construction & Engineering", "1540", "236220"),
        ("Construction", "48"),
        "Construction|Builders|Build|Structures",
        "building projects",
        "Construction|B2B",
        "com",
        "construction|contech",
        "Construction and Extraction",
        "project delivery|site safety|cost overruns",
        "building|construction services",
    ),
    _i(
        "Hospitality",
        False,
        0.030,
        (
            "Consumer Discretionary",
            "Consumer Services",
            "Hotels, Resorts & Cruise Lines",
            "7011",
            "721110",
        ),
        ("Hospitality", "31"),
        "Hotels|Hospitality|Stays|Resorts",
        "hotel stays",
        "Hospitality|Travel|B2C",
        "com|travel",
        "hospitality|travel",
        "Food and Restaurants",
        "guest experience|occupancy rates|seasonal staffing",
        "hotels|travel|tourism",
    ),
    _i(
        "Management Consulting",
        False,
        0.030,
        (
            "Industrials",
            "Commercial & Professional Services",
            "Research & Consulting Services",
            "8742",
            "541611",
        ),
        ("Management Consulting", "11"),
        "Partners|Advisory|Consulting|Group",
        "strategy advice",
        "Consulting & Professional Services|B2B",
        "com",
        "consulting|strategy",
        "Management",
        "client delivery|utilisation rates|digital transformation",
        "consulting|business consulting|professional services",
    ),
    _i(
        "Legal Services",
        False,
        0.020,
        ("Industrials", "Commercial & Professional Services", "Legal Services", "8111", "541110"),
        ("Legal Services", "10"),
        "Law|Legal|Partners|Chambers",
        "legal advice",
        "Legal|Professional Services|B2B",
        "com|law",
        "legal|legaltech",
        "Legal Services",
        "billable hours|contract review|client intake",
        "legal|law|law firm|law practice",
    ),
)

INDUSTRIES: tuple[Industry, ...] = tuple(replace(row, index=i) for i, row in enumerate(_ROWS))
INDUSTRY_BY_NAME: dict[str, Industry] = {industry.name.lower(): industry for industry in INDUSTRIES}


def _aliases() -> dict[str, str]:
    table: dict[str, str] = {}
    for industry in INDUSTRIES:
        for spelling in (industry.name, industry.linkedin_name, *industry.aliases):
            table.setdefault(text_key(spelling), industry.name.lower())
    return table


#: Any name a criterion may use for an industry (text_key form) -> our name, lower case.
INDUSTRY_ALIASES: dict[str, str] = _aliases()

#: LinkedIn industry code -> our industries with that code (several share one: 4, 96).
INDUSTRIES_BY_LINKEDIN_ID: dict[str, tuple[Industry, ...]] = {}
for _industry in INDUSTRIES:
    INDUSTRIES_BY_LINKEDIN_ID[_industry.linkedin_id] = (
        *INDUSTRIES_BY_LINKEDIN_ID.get(_industry.linkedin_id, ()),
        _industry,
    )

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
