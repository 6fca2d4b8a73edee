"""What people of the synthetic population talk about: concerns, values, post topics, interests.

A concern is worded several ways (the first most often), so keyword search and embeddings
meet the variety of real profiles. The first eight concerns are the sample ICP's pain
points and goals; tech leaders at tech companies name them, everyone else talks about
their own function's and industry's concerns. Each concern also says which Facebook
interests (names from the shared catalogue) a person who cares about it has.
"""

from __future__ import annotations

from dataclasses import dataclass

from .industries import INDUSTRIES


@dataclass(frozen=True, slots=True)
class Concern:
    key: str
    phrasings: tuple[str, ...]
    interests: tuple[str, ...]


def _c(phrasings: str, interests: str) -> Concern:
    words = tuple(phrasings.split("|"))
    return Concern(words[0], words, tuple(i for i in interests.split("|") if i))


_BASE_CONCERNS: tuple[Concern, ...] = (
    # The sample ICP's pain points, then its goals.
    _c(
        "scaling engineering teams|scaling our engineering team|growing the engineering org",
        "Software development|Leadership",
    ),
    _c(
        "technical debt management|paying down technical debt|modernising legacy code",
        "Software development|Quality assurance",
    ),
    _c("DevOps automation|automating DevOps workflows|CI/CD automation", "DevOps|Automation"),
    _c(
        "security compliance|SOC 2 and ISO 27001 compliance|security compliance audits",
        "Computer security|Regulatory compliance",
    ),
    _c(
        "improving development velocity|shipping faster|engineering velocity",
        "Agile software development|Productivity",
    ),
    _c("reducing operational costs|cutting cloud costs", "Operations management|Cloud computing"),
    _c("enhancing product quality|product quality", "Quality assurance"),
    _c("accelerating time-to-market|faster time-to-market", "Product management|Innovation"),
    # Other technology concerns.
    _c("developer experience|best-in-class tools for engineers", "Software development|Technology"),
    _c("platform reliability|observability", "DevOps|Cloud computing"),
    _c("cloud migration|moving workloads to the cloud", "Cloud computing"),
    _c("hiring senior engineers|team productivity", "Recruitment|Productivity"),
    _c("data-driven decision making|self-serve analytics", "Data analysis|Business intelligence"),
    _c("data platform modernisation|data quality", "Big data|Data science"),
    _c("machine learning in production|MLOps", "Machine learning|Artificial intelligence"),
    _c("user research|design systems", "Product management|Collaboration"),
    _c("product discovery|product-market fit", "Product management|Startup company"),
    _c("zero trust security|threat detection", "Computer security|Risk management"),
    _c("IT service management|vendor consolidation", "Operations management|Technology"),
    _c("identity and access management|endpoint security", "Computer security"),
    # Business functions.
    _c("pipeline generation|building pipeline", "Sales|Customer relationship management"),
    _c("quota attainment|hitting quota", "Sales"),
    _c("sales productivity|deal velocity", "Sales|Productivity"),
    _c("customer retention|reducing churn", "Customer experience"),
    _c("customer onboarding|time to value", "Customer experience"),
    _c("brand awareness|brand building", "Marketing"),
    _c("demand generation|lead generation", "Digital marketing|Marketing"),
    _c("campaign ROI|marketing attribution", "Digital marketing|Data analysis"),
    _c("content strategy|thought leadership content", "Marketing"),
    _c("cash flow forecasting|cash management", "Finance"),
    _c("regulatory reporting|financial reporting", "Accounting|Regulatory compliance"),
    _c("cost control|budget discipline", "Finance|Operations management"),
    _c("financial planning and analysis|FP&A", "Finance|Data analysis"),
    _c("talent acquisition|hiring the right people", "Recruitment|Human resources"),
    _c("employee engagement|employee experience", "Human resources"),
    _c("retaining top talent|people development", "Human resources|Leadership"),
    _c("supply chain resilience|supplier diversification", "Supply chain"),
    _c(
        "process improvement|operational excellence", "Continuous improvement|Operations management"
    ),
    _c("inventory turnover|inventory optimisation", "Supply chain"),
    _c("contract management|contract review", "Risk management"),
    _c("regulatory compliance|compliance programmes", "Regulatory compliance|Risk management"),
    _c("data privacy|GDPR compliance", "Regulatory compliance"),
    _c("growth strategy|market expansion", "Business strategy|Entrepreneurship"),
    _c("fundraising|investor relations", "Venture capital|Entrepreneurship"),
    _c("operational efficiency|doing more with less", "Operations management|Productivity"),
)


#: An industry's own Facebook interest, when the catalogue has one.
INDUSTRY_INTERESTS: dict[str, str] = {
    "SaaS": "Software as a service",
    "Cloud Computing": "Cloud computing",
    "Cybersecurity": "Computer security",
    "Artificial Intelligence": "Artificial intelligence",
    "Data & Analytics": "Big data",
    "Financial Services": "Fintech",
    "Healthcare": "Health care",
    "Pharmaceuticals": "Health care",
    "Retail": "E-commerce",
    "Manufacturing": "Manufacturing",
    "Automotive": "Manufacturing",
    "Education": "Education",
    "Logistics": "Supply chain",
    "Energy": "Sustainability",
    "Marketing & Advertising": "Digital marketing",
}


def _with_industry_concerns() -> tuple[Concern, ...]:
    """The base concerns, then each industry's own (one wording, its industry interest)."""
    concerns = list(_BASE_CONCERNS)
    keys = {concern.key for concern in concerns}
    for industry in INDUSTRIES:
        interest = INDUSTRY_INTERESTS.get(industry.name)
        for phrase in industry.concerns:
            if phrase not in keys:
                keys.add(phrase)
                concerns.append(Concern(phrase, (phrase,), (interest,) if interest else ()))
    return tuple(concerns)


CONCERNS: tuple[Concern, ...] = _with_industry_concerns()
CONCERN_BY_KEY: dict[str, Concern] = {concern.key: concern for concern in CONCERNS}
#: Concerns people of an industry talk about besides their function's (keys).
INDUSTRY_CONCERNS: dict[str, tuple[str, ...]] = {
    industry.name: industry.concerns for industry in INDUSTRIES
}
#: The sample ICP's concerns: its four pain points, then its four goals.
ICP_PAINS = tuple(concern.key for concern in CONCERNS[:4])
ICP_CONCERNS = tuple(concern.key for concern in CONCERNS[:8])

#: Concerns people of a function talk about (keys), most common first.
FUNCTION_CONCERNS: dict[str, tuple[str, ...]] = {
    "Executive": (
        "growth strategy",
        "fundraising",
        "operational efficiency",
        "reducing operational costs",
        "retaining top talent",
    ),
    "Engineering": (
        "scaling engineering teams",
        "technical debt management",
        "DevOps automation",
        "improving development velocity",
        "developer experience",
        "platform reliability",
        "cloud migration",
        "hiring senior engineers",
        "security compliance",
        "enhancing product quality",
    ),
    "Product": (
        "accelerating time-to-market",
        "enhancing product quality",
        "product discovery",
        "user research",
        "data-driven decision making",
        "improving development velocity",
    ),
    "Data": (
        "data-driven decision making",
        "data platform modernisation",
        "machine learning in production",
        "reducing operational costs",
    ),
    "Design": ("user research", "enhancing product quality", "product discovery"),
    "IT": (
        "IT service management",
        "cloud migration",
        "identity and access management",
        "reducing operational costs",
        "security compliance",
    ),
    "Security": (
        "security compliance",
        "zero trust security",
        "identity and access management",
        "data privacy",
    ),
    "Sales": (
        "pipeline generation",
        "quota attainment",
        "sales productivity",
        "customer retention",
    ),
    "Customer Success": ("customer retention", "customer onboarding", "sales productivity"),
    "Marketing": ("brand awareness", "demand generation", "campaign ROI", "content strategy"),
    "Finance": (
        "cash flow forecasting",
        "regulatory reporting",
        "cost control",
        "financial planning and analysis",
    ),
    "HR": ("talent acquisition", "employee engagement", "retaining top talent"),
    "Operations": (
        "supply chain resilience",
        "process improvement",
        "inventory turnover",
        "operational efficiency",
        "reducing operational costs",
    ),
    "Legal": ("contract management", "regulatory compliance", "data privacy"),
}

#: Every wording of every concern; a person's pains are indexes into this tuple.
PHRASINGS: tuple[str, ...] = tuple(p for concern in CONCERNS for p in concern.phrasings)
PHRASING_CONCERN: tuple[int, ...] = tuple(
    index for index, concern in enumerate(CONCERNS) for _ in concern.phrasings
)
FIRST_PHRASING: dict[str, int] = {
    concern.key: PHRASINGS.index(concern.phrasings[0]) for concern in CONCERNS
}

#: Closing sentences of a summary; the tech ones echo the sample ICP's values.
TECH_VALUES: tuple[str, ...] = (
    "Believer in data-driven decision making.",
    "Obsessed with developer experience.",
    "Always looking for best-in-class tools.",
    "Continuous improvement is my default.",
    "I care about innovation and team productivity.",
    "Efficiency is a feature.",
)
OTHER_VALUES: tuple[str, ...] = (
    "Customer first, always.",
    "People are our greatest asset.",
    "Results speak louder.",
    "Passionate about building great teams.",
    "Lifelong learner.",
    "Relationships matter.",
)
VALUES: tuple[str, ...] = TECH_VALUES + OTHER_VALUES

#: Subjects of recent posts; the first group are the sample ICP's buying triggers.
TRIGGER_TOPICS: tuple[str, ...] = (
    "we just closed our Series B funding round",
    "we are hiring engineers across the team",
    "hiring surge in engineering",
    "our new product launch",
    "product launch announcement",
    "our SOC 2 compliance deadline",
    "migrating to Kubernetes",
    "our engineering blog",
)
OTHER_TOPICS: tuple[str, ...] = (
    "quarterly results",
    "team offsite",
    "a customer success story",
    "industry awards",
    "a conference recap",
    "leadership lessons",
    "our community volunteering day",
    "our annual report",
    "a webinar on market trends",
)
TOPICS: tuple[str, ...] = TRIGGER_TOPICS + OTHER_TOPICS

#: Facebook interests (catalogue names) people of a function have besides their concerns'.
FUNCTION_INTERESTS: dict[str, tuple[str, ...]] = {
    "Executive": ("Business strategy", "Leadership", "Entrepreneurship", "Innovation"),
    "Engineering": ("Software development", "Technology", "Open source", "Cloud computing"),
    "Product": ("Product management", "Technology", "Innovation"),
    "Data": ("Data science", "Big data", "Data analysis", "Technology"),
    "Design": ("Collaboration", "Technology", "Innovation"),
    "IT": ("Technology", "Cloud computing", "Computer security"),
    "Security": ("Computer security", "Risk management", "Technology"),
    "Sales": ("Sales", "Customer relationship management", "Leadership"),
    "Customer Success": ("Customer experience", "Customer relationship management"),
    "Marketing": ("Marketing", "Digital marketing", "E-commerce"),
    "Finance": ("Finance", "Accounting", "Fintech"),
    "HR": ("Human resources", "Recruitment", "Remote work"),
    "Operations": ("Operations management", "Supply chain", "Continuous improvement"),
    "Legal": ("Regulatory compliance", "Risk management"),
}
