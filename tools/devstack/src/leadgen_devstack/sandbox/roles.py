"""Job titles of the synthetic population: every common function at every seniority.

Each role lists the spellings people really use for it ("VP Engineering", "VP of
Engineering", "Vice President of Engineering"), so title search has to normalise. The
weights say how common a role is within its function, at tech and at other employers
(a CTO is common at a software company and rare at a retailer, where the CIO runs IT).
"""

from __future__ import annotations

from dataclasses import dataclass

SENIORITIES = ("C-level", "VP", "Director", "Head", "Manager", "Senior IC", "IC")
LEADERS = frozenset({"C-level", "VP", "Director", "Head"})

#: Our seniority -> LinkedIn's standardized seniority (name, id).
LINKEDIN_SENIORITY = {
    "C-level": ("CXO", "8"),
    "VP": ("VP", "7"),
    "Director": ("Director", "6"),
    "Head": ("Director", "6"),
    "Manager": ("Manager", "5"),
    "Senior IC": ("Senior", "4"),
    "IC": ("Entry", "3"),
}


@dataclass(frozen=True, slots=True)
class Role:
    spellings: tuple[str, ...]
    seniority: str
    function: str
    tech_weight: float
    other_weight: float
    index: int = 0

    @property
    def key(self) -> str:
        return self.spellings[0]

    @property
    def unique_per_company(self) -> bool:
        return self.seniority == "C-level"


# spellings; seniority; function; weight at tech employers; weight elsewhere
# (a row ending in "|" goes on on the next line)
_ROLE_ROWS = """
CEO|Chief Executive Officer|Co-founder & CEO|Founder & CEO; C-level; Executive; 3; 3
Managing Director|President; C-level; Executive; 0.5; 1.5
VP Strategy|VP of Corporate Strategy; VP; Executive; 0.5; 0.8
General Manager|Director of Strategy; Director; Executive; 0.8; 2
Chief of Staff|Head of Strategy; Head; Executive; 0.8; 0.8
Strategy Manager|Business Operations Manager; Manager; Executive; 1; 1.5
Senior Strategy Analyst|Senior Business Analyst; Senior IC; Executive; 0.8; 1.5
Business Analyst|Executive Assistant; IC; Executive; 1.5; 3
CTO|Chief Technology Officer|Co-founder & CTO|
Co-Founder and CTO; C-level; Engineering; 7; 0.8
VP Engineering|VP of Engineering|Vice President of Engineering|
VP, Engineering; VP; Engineering; 9; 1
Director of Engineering|Engineering Director|
Senior Director of Engineering; Director; Engineering; 10; 1.2
Head of Engineering|Head of Software Engineering; Head; Engineering; 3; 0.6
Head of Platform|Head of Infrastructure; Head; Engineering; 2; 0.3
Engineering Manager|Software Engineering Manager; Manager; Engineering; 6; 1.2
Senior Software Engineer|Staff Engineer|Principal Engineer; Senior IC; Engineering; 9; 1.5
Senior DevOps Engineer|Senior Site Reliability Engineer; Senior IC; Engineering; 3; 0.6
Software Engineer|Backend Engineer|Frontend Engineer|Full Stack Developer; IC; Engineering; 10; 2
DevOps Engineer|Site Reliability Engineer; IC; Engineering; 3; 0.8
Chief Product Officer|CPO; C-level; Product; 1; 0.3
VP Product|VP of Product|Vice President, Product; VP; Product; 2.5; 0.5
Director of Product Management|Director of Product; Director; Product; 3; 0.6
Head of Product; Head; Product; 7; 0.6
Product Manager|Group Product Manager; Manager; Product; 5; 1
Senior Product Manager|Principal Product Manager; Senior IC; Product; 3; 0.6
Associate Product Manager|Product Analyst; IC; Product; 1.5; 0.4
Chief Data Officer; C-level; Data; 0.5; 0.4
VP Data|VP of Data & Analytics; VP; Data; 0.8; 0.5
Director of Data Science|Director of Analytics; Director; Data; 1.5; 1
Head of Data|Head of Analytics; Head; Data; 1.2; 0.8
Data Science Manager|Analytics Manager; Manager; Data; 1.2; 1
Senior Data Scientist|Senior Data Engineer; Senior IC; Data; 2.5; 1
Data Analyst|Data Scientist; IC; Data; 2.5; 2.5
VP Design|VP of Design; VP; Design; 0.5; 0.2
Design Director|Director of Design; Director; Design; 0.8; 0.4
Head of Design; Head; Design; 1; 0.6
Design Manager|UX Manager; Manager; Design; 0.8; 0.4
Senior Product Designer|Senior UX Designer; Senior IC; Design; 1.5; 0.8
Product Designer|UX Designer|Graphic Designer; IC; Design; 2; 1.5
CIO|Chief Information Officer; C-level; IT; 0.3; 1.5
VP of IT|VP Information Technology; VP; IT; 0.4; 1.5
IT Director|Director of IT; Director; IT; 0.8; 2.5
Head of IT|Head of Technology; Head; IT; 0.6; 1.5
IT Manager|IT Operations Manager; Manager; IT; 1; 4
Senior Systems Administrator|IT Architect; Senior IC; IT; 0.8; 2
Systems Administrator|IT Support Specialist; IC; IT; 1; 4
CISO|Chief Information Security Officer; C-level; Security; 0.8; 0.6
VP Security|VP of Information Security; VP; Security; 0.5; 0.4
Director of Information Security|Director of Security; Director; Security; 1.5; 0.8
Head of Security|Head of Information Security; Head; Security; 1; 0.5
Security Manager|Security Operations Manager; Manager; Security; 0.8; 0.8
Senior Security Engineer; Senior IC; Security; 1.5; 0.4
Security Analyst|Security Engineer; IC; Security; 1; 0.8
Chief Revenue Officer|CRO; C-level; Sales; 0.8; 0.6
VP Sales|VP of Sales|Vice President of Sales; VP; Sales; 2.5; 3
Director of Sales|Sales Director; Director; Sales; 3; 4
Head of Sales|Head of Business Development; Head; Sales; 1.5; 2
Sales Manager|Regional Sales Manager; Manager; Sales; 3; 5
Senior Account Executive|Enterprise Account Executive; Senior IC; Sales; 3; 3
Account Executive|Sales Development Representative; IC; Sales; 4; 5
Chief Customer Officer; C-level; Customer Success; 0.4; 0.3
VP Customer Success|VP of Customer Success; VP; Customer Success; 0.8; 0.6
Director of Customer Success|Director of Customer Experience; Director; Customer Success; 1; 1
Head of Customer Success; Head; Customer Success; 1; 1
Customer Success Manager|Customer Service Manager; Manager; Customer Success; 3; 2
Senior Customer Success Manager|Senior Support Engineer; Senior IC; Customer Success; 1; 0.8
Customer Success Associate|Support Specialist; IC; Customer Success; 2; 3
CMO|Chief Marketing Officer; C-level; Marketing; 1; 1.5
VP Marketing|VP of Marketing; VP; Marketing; 2; 2.5
Director of Marketing|Marketing Director; Director; Marketing; 2.5; 3
Head of Growth|Head of Marketing; Head; Marketing; 1.5; 1
Marketing Manager|Growth Marketing Manager; Manager; Marketing; 3; 4
Senior Product Marketing Manager|Senior Marketing Manager; Senior IC; Marketing; 1.5; 1.5
Marketing Specialist|Content Marketing Specialist; IC; Marketing; 2; 4
CFO|Chief Financial Officer; C-level; Finance; 1.2; 2
VP Finance|VP of Finance; VP; Finance; 0.8; 1.5
Finance Director|Director of Finance; Director; Finance; 0.8; 2
Head of Finance|Financial Controller; Head; Finance; 0.8; 1.5
Finance Manager|FP&A Manager; Manager; Finance; 1; 3
Senior Financial Analyst|Senior Accountant; Senior IC; Finance; 0.6; 2
Financial Analyst|Accountant; IC; Finance; 1; 4
Chief People Officer|CHRO; C-level; HR; 0.5; 0.8
VP People|VP of Human Resources; VP; HR; 0.8; 1.2
HR Director|Director of People; Director; HR; 0.8; 1.5
Head of People|Head of Talent; Head; HR; 1; 1.5
HR Manager|Talent Acquisition Manager; Manager; HR; 1.5; 3
Senior HR Business Partner|Senior Recruiter; Senior IC; HR; 1; 1.5
Recruiter|HR Generalist; IC; HR; 1.5; 3
COO|Chief Operating Officer; C-level; Operations; 1; 2
VP Operations|VP of Operations; VP; Operations; 1; 3
Director of Operations|Operations Director; Director; Operations; 1.2; 3.5
Head of Operations|Head of Supply Chain; Head; Operations; 0.8; 2
Operations Manager|Supply Chain Manager; Manager; Operations; 1.5; 6
Senior Operations Analyst|Senior Buyer; Senior IC; Operations; 0.6; 2
Operations Analyst|Supply Chain Analyst; IC; Operations; 1; 5
General Counsel|Chief Legal Officer; C-level; Legal; 0.5; 0.8
VP Legal|Deputy General Counsel; VP; Legal; 0.3; 0.5
Director of Legal|Legal Director; Director; Legal; 0.4; 0.8
Head of Legal|Head of Compliance; Head; Legal; 0.6; 1
Compliance Manager|Legal Operations Manager; Manager; Legal; 0.5; 1.2
Senior Corporate Counsel|Senior Legal Counsel; Senior IC; Legal; 0.5; 1
Legal Counsel|Paralegal; IC; Legal; 0.8; 2
"""


def _roles() -> tuple[Role, ...]:
    roles = []
    rows = _ROLE_ROWS.strip().replace("|\n", "|").splitlines()
    for index, line in enumerate(rows):
        spellings, seniority, function, tech, other = (part.strip() for part in line.split(";"))
        roles.append(
            Role(tuple(spellings.split("|")), seniority, function, float(tech), float(other), index)
        )
    return tuple(roles)


ROLES: tuple[Role, ...] = _roles()
ROLE_BY_KEY: dict[str, Role] = {role.key: role for role in ROLES}
FUNCTIONS: tuple[str, ...] = tuple(dict.fromkeys(role.function for role in ROLES))
#: Every spelling of every role; a person's title is an index into this tuple.
TITLES: tuple[str, ...] = tuple(spelling for role in ROLES for spelling in role.spellings)
TITLE_ROLES: tuple[Role, ...] = tuple(role for role in ROLES for _ in role.spellings)
#: Functions whose people sound technical (tools, stacks, engineering concerns).
TECH_FUNCTIONS = frozenset({"Engineering", "Product", "Data", "Design", "IT", "Security"})

SKILLS: dict[str, tuple[str, ...]] = {
    "Executive": (
        "Leadership",
        "Strategy",
        "Fundraising",
        "Board Relations",
        "P&L Management",
        "Mergers & Acquisitions",
        "Go-to-Market Strategy",
        "Business Development",
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
    "Design": (
        "Figma",
        "User Experience",
        "Interaction Design",
        "Design Systems",
        "Prototyping",
        "User Research",
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
    "Security": (
        "Security Compliance",
        "SOC 2",
        "ISO 27001",
        "Threat Modeling",
        "Incident Response",
        "Cloud Security",
        "Risk Management",
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
    "Customer Success": (
        "Customer Retention",
        "Onboarding",
        "Account Management",
        "Zendesk",
        "Customer Experience",
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
    "Finance": (
        "Financial Modeling",
        "FP&A",
        "Accounting",
        "Budgeting",
        "Excel",
        "Forecasting",
        "IFRS",
    ),
    "HR": (
        "Recruiting",
        "Talent Management",
        "Employee Relations",
        "Compensation",
        "People Operations",
        "Onboarding",
    ),
    "Operations": (
        "Operations Management",
        "Process Improvement",
        "Lean Six Sigma",
        "Supply Chain Management",
        "Budgeting",
        "Vendor Management",
        "Procurement",
    ),
    "Legal": (
        "Contract Negotiation",
        "Corporate Law",
        "Regulatory Compliance",
        "GDPR",
        "Intellectual Property",
        "Litigation",
        "Employment Law",
    ),
}
#: Every skill once; a person's skills are indexes into this tuple.
ALL_SKILLS: tuple[str, ...] = tuple(dict.fromkeys(s for skills in SKILLS.values() for s in skills))
