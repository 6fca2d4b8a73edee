"""Job titles of the synthetic population: seniority, function and how often each occurs.

Each role lists the spellings people really use for it ("VP Engineering", "VP of
Engineering", "Vice President of Engineering"), so title search has to normalise.
Weights are relative, separately for tech and non-tech employers: a CTO is common at a
software company and rare at a retailer, where the CIO runs IT.
"""

from __future__ import annotations

from dataclasses import dataclass

SENIORITIES = ("C-level", "VP", "Director", "Head", "Manager", "Senior IC", "IC")


@dataclass(frozen=True, slots=True)
class Role:
    spellings: tuple[str, ...]
    seniority: str
    function: str
    tech_weight: float
    other_weight: float

    @property
    def unique_per_company(self) -> bool:
        return self.seniority == "C-level"


def _r(spellings: str, seniority: str, function: str, tech: float, other: float) -> Role:
    return Role(tuple(spellings.split("|")), seniority, function, tech, other)


ROLES: tuple[Role, ...] = (
    _r("CEO|Chief Executive Officer|Co-founder & CEO|Founder & CEO", "C-level", "Executive", 3, 3),
    _r(
        "CTO|Chief Technology Officer|Co-founder & CTO|Co-Founder and CTO",
        "C-level",
        "Engineering",
        7,
        0.8,
    ),
    _r("CFO|Chief Financial Officer", "C-level", "Finance", 1.2, 2),
    _r("COO|Chief Operating Officer", "C-level", "Operations", 1, 2),
    _r("CMO|Chief Marketing Officer", "C-level", "Marketing", 1, 1.5),
    _r("CISO|Chief Information Security Officer", "C-level", "Security", 0.8, 0.6),
    _r("Chief Product Officer|CPO", "C-level", "Product", 1, 0.3),
    _r("Chief Revenue Officer|CRO", "C-level", "Sales", 0.8, 0.6),
    _r("CIO|Chief Information Officer", "C-level", "IT", 0.3, 1.5),
    _r(
        "VP Engineering|VP of Engineering|Vice President of Engineering|VP, Engineering",
        "VP",
        "Engineering",
        9,
        1,
    ),
    _r("VP Product|VP of Product|Vice President, Product", "VP", "Product", 2.5, 0.5),
    _r("VP Sales|VP of Sales|Vice President of Sales", "VP", "Sales", 2.5, 3),
    _r("VP Marketing|VP of Marketing", "VP", "Marketing", 2, 2.5),
    _r("VP Operations|VP of Operations", "VP", "Operations", 1, 3),
    _r("VP Finance|VP of Finance", "VP", "Finance", 0.8, 1.5),
    _r("VP of IT|VP Information Technology", "VP", "IT", 0.4, 1.5),
    _r("VP People|VP of Human Resources", "VP", "HR", 0.8, 1.2),
    _r(
        "Director of Engineering|Engineering Director|Senior Director of Engineering",
        "Director",
        "Engineering",
        10,
        1.2,
    ),
    _r("Director of Product Management|Director of Product", "Director", "Product", 3, 0.6),
    _r("Director of Sales|Sales Director", "Director", "Sales", 3, 4),
    _r("Director of Marketing|Marketing Director", "Director", "Marketing", 2.5, 3),
    _r("Director of Operations|Operations Director", "Director", "Operations", 1.2, 3.5),
    _r("IT Director|Director of IT", "Director", "IT", 0.8, 2.5),
    _r("Director of Information Security|Director of Security", "Director", "Security", 1.5, 0.8),
    _r("Director of Data Science|Director of Analytics", "Director", "Data", 1.5, 1),
    _r("Head of Product", "Head", "Product", 7, 0.6),
    _r("Head of Engineering|Head of Software Engineering", "Head", "Engineering", 3, 0.6),
    _r("Head of Platform|Head of Infrastructure", "Head", "Engineering", 2, 0.3),
    _r("Head of Growth", "Head", "Marketing", 1.5, 1),
    _r("Head of Sales", "Head", "Sales", 1.5, 2),
    _r("Head of Data", "Head", "Data", 1.2, 0.8),
    _r("Head of Security", "Head", "Security", 1, 0.5),
    _r("Head of Design", "Head", "Design", 1, 0.6),
    _r("Head of Customer Success", "Head", "Customer Success", 1, 1),
    _r("Head of People|Head of Talent", "Head", "HR", 1, 1.5),
    _r("Engineering Manager|Software Engineering Manager", "Manager", "Engineering", 6, 1.2),
    _r("Product Manager|Group Product Manager", "Manager", "Product", 5, 1),
    _r("Marketing Manager|Growth Marketing Manager", "Manager", "Marketing", 3, 4),
    _r("Sales Manager|Regional Sales Manager", "Manager", "Sales", 3, 5),
    _r("Operations Manager", "Manager", "Operations", 1.5, 6),
    _r("IT Manager", "Manager", "IT", 1, 4),
    _r("Finance Manager", "Manager", "Finance", 1, 3),
    _r("Customer Success Manager", "Manager", "Customer Success", 3, 2),
    _r("HR Manager|Talent Acquisition Manager", "Manager", "HR", 1.5, 3),
    _r(
        "Senior Software Engineer|Staff Engineer|Principal Engineer",
        "Senior IC",
        "Engineering",
        9,
        1.5,
    ),
    _r(
        "Senior DevOps Engineer|Senior Site Reliability Engineer",
        "Senior IC",
        "Engineering",
        3,
        0.6,
    ),
    _r("Senior Product Manager", "Senior IC", "Product", 3, 0.6),
    _r("Senior Data Scientist|Senior Data Engineer", "Senior IC", "Data", 2.5, 1),
    _r("Senior Security Engineer", "Senior IC", "Security", 1.5, 0.4),
    _r("Senior Account Executive|Enterprise Account Executive", "Senior IC", "Sales", 3, 3),
    _r("Senior Product Designer", "Senior IC", "Design", 1.5, 0.8),
    _r("Senior Financial Analyst", "Senior IC", "Finance", 0.6, 2),
    _r(
        "Software Engineer|Backend Engineer|Frontend Engineer|Full Stack Developer",
        "IC",
        "Engineering",
        10,
        2,
    ),
    _r("DevOps Engineer|Site Reliability Engineer", "IC", "Engineering", 3, 0.8),
    _r("Data Analyst|Data Scientist", "IC", "Data", 2.5, 2.5),
    _r("Account Executive|Sales Development Representative", "IC", "Sales", 4, 5),
    _r("Marketing Specialist|Content Marketing Specialist", "IC", "Marketing", 2, 4),
    _r("Customer Success Associate|Support Specialist", "IC", "Customer Success", 2, 3),
    _r("Product Designer|UX Designer", "IC", "Design", 2, 1),
    _r("Operations Analyst|Supply Chain Analyst", "IC", "Operations", 1, 5),
    _r("Financial Analyst|Accountant", "IC", "Finance", 1, 4),
    _r("Recruiter|HR Generalist", "IC", "HR", 1.5, 3),
    _r("Security Analyst", "IC", "Security", 1, 0.8),
)

SKILLS: dict[str, tuple[str, ...]] = {
    "Executive": (
        "Leadership",
        "Strategy",
        "Fundraising",
        "Board Relations",
        "P&L Management",
        "Mergers & Acquisitions",
        "Go-to-Market Strategy",
    ),
    "Engineering": (
        "Python",
        "Go",
        "Java",
        "TypeScript",
        "Kubernetes",
        "AWS",
        "Distributed Systems",
        "CI/CD",
        "Terraform",
        "Microservices",
        "System Design",
        "Engineering Management",
        "DevOps",
        "PostgreSQL",
        "Agile",
    ),
    "Product": (
        "Product Management",
        "Product Strategy",
        "Roadmapping",
        "User Research",
        "A/B Testing",
        "Agile",
        "SQL",
        "Go-to-Market Strategy",
    ),
    "Data": (
        "SQL",
        "Python",
        "Machine Learning",
        "Data Engineering",
        "dbt",
        "Spark",
        "Statistics",
        "Tableau",
    ),
    "Security": (
        "Security Compliance",
        "SOC 2",
        "ISO 27001",
        "Threat Modeling",
        "Incident Response",
        "Cloud Security",
        "Risk Management",
    ),
    "IT": (
        "IT Strategy",
        "Vendor Management",
        "ITIL",
        "Networking",
        "Microsoft 365",
        "Identity Management",
        "Cloud Migration",
    ),
    "Sales": (
        "Enterprise Sales",
        "Negotiation",
        "Salesforce",
        "Pipeline Management",
        "Account Management",
        "Solution Selling",
        "Forecasting",
    ),
    "Marketing": (
        "Demand Generation",
        "Content Marketing",
        "SEO",
        "HubSpot",
        "Brand Strategy",
        "Marketing Automation",
        "Product Marketing",
    ),
    "Operations": (
        "Operations Management",
        "Process Improvement",
        "Lean Six Sigma",
        "Supply Chain Management",
        "Budgeting",
        "Vendor Management",
    ),
    "Finance": ("Financial Modeling", "FP&A", "Accounting", "Budgeting", "Excel", "Forecasting"),
    "HR": (
        "Recruiting",
        "Talent Management",
        "Employee Relations",
        "Compensation",
        "People Operations",
        "Onboarding",
    ),
    "Design": ("Figma", "User Experience", "Interaction Design", "Design Systems", "Prototyping"),
    "Customer Success": (
        "Customer Retention",
        "Onboarding",
        "Account Management",
        "Zendesk",
        "Customer Experience",
    ),
}

#: Functions whose leaders feel the sample ICP's pains (engineering velocity, debt, ...).
TECH_FUNCTIONS = frozenset({"Engineering", "Product", "Data", "Security", "IT", "Executive"})
