//! Curated dictionaries: skills/terms (English + Arabic), section headings, stop words and
//! the small word lists the parsers use. Data only; lookups live in `terms.rs` and the
//! parsers.
//!
//! A phrase starting with `=` is matched case-sensitively against the original text (for
//! names that are also ordinary words: "Go", "R", "Excel", "Temporal", "Helm").

/// What kind of term a dictionary entry is (used for display and a few special rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tech,
    Business,
    Health,
    Language,
    /// Place names that contain a term-like word ("المملكة العربية السعودية" is not the
    /// Arabic language); matched only to keep that word from matching.
    Place,
}

/// One dictionary entry: canonical name, optional Arabic display name, aliases.
#[derive(Debug)]
pub struct Term {
    pub name: &'static str,
    pub ar: &'static str,
    pub aliases: &'static [&'static str],
    pub kind: Kind,
}

const fn t(name: &'static str, aliases: &'static [&'static str]) -> Term {
    Term {
        name,
        ar: "",
        aliases,
        kind: Kind::Tech,
    }
}
const fn b(name: &'static str, ar: &'static str, aliases: &'static [&'static str]) -> Term {
    Term {
        name,
        ar,
        aliases,
        kind: Kind::Business,
    }
}
const fn h(name: &'static str, aliases: &'static [&'static str]) -> Term {
    Term {
        name,
        ar: "",
        aliases,
        kind: Kind::Health,
    }
}
const fn place(name: &'static str, aliases: &'static [&'static str]) -> Term {
    Term {
        name,
        ar: "",
        aliases,
        kind: Kind::Place,
    }
}
const fn lang(name: &'static str, ar: &'static str, aliases: &'static [&'static str]) -> Term {
    Term {
        name,
        ar,
        aliases,
        kind: Kind::Language,
    }
}

/// The skills/terms dictionary (~300 entries).
#[rustfmt::skip]
pub static TERMS: &[Term] = &[
    // programming languages
    t("Rust", &[]),
    t("=Go", &["Golang"]),
    t("Python", &[]),
    t("Java", &[]),
    t("JavaScript", &["=JS"]),
    t("TypeScript", &[]),
    t("C++", &[]),
    t("C#", &[]),
    t("Kotlin", &[]),
    t("=Swift", &[]),
    t("Scala", &[]),
    t("Ruby", &[]),
    t("PHP", &[]),
    t("=R", &[]),
    t("MATLAB", &[]),
    t("Perl", &[]),
    t("Elixir", &[]),
    t("Erlang", &[]),
    t("Haskell", &[]),
    t("Clojure", &[]),
    t("Dart", &[]),
    t("Lua", &[]),
    t("Bash", &["shell scripting"]),
    t("PowerShell", &[]),
    t("SQL", &[]),
    t("T-SQL", &[]),
    t("PL/SQL", &[]),
    t("VBA", &[]),
    t("Objective-C", &[]),
    t("Solidity", &[]),
    t("COBOL", &[]),
    t("Groovy", &[]),
    // web and backend frameworks
    t("React", &["React.js", "ReactJS"]),
    t("Angular", &["AngularJS"]),
    t("Vue.js", &["=Vue", "VueJS"]),
    t("Svelte", &[]),
    t("Next.js", &["NextJS"]),
    t("Node.js", &["NodeJS"]),
    t("=Express", &["Express.js"]),
    t("Django", &[]),
    t("Django REST Framework", &["DRF"]),
    t("=Flask", &[]),
    t("FastAPI", &[]),
    t("Spring Boot", &["Spring Framework"]),
    t("Ruby on Rails", &[]),
    t("Laravel", &[]),
    t("ASP.NET", &[]),
    t("=.NET", &["=NET", ".NET Core"]),
    t("jQuery", &[]),
    t("HTML", &["HTML5"]),
    t("CSS", &["CSS3"]),
    t("Tailwind CSS", &["Tailwind"]),
    t("Redux", &[]),
    t("GraphQL", &[]),
    t("REST", &["REST API", "REST APIs", "RESTful", "RESTful APIs"]),
    t("gRPC", &[]),
    t("OpenAPI", &["Swagger"]),
    t("WebSockets", &["WebSocket"]),
    t("Microservices", &["microservice architecture"]),
    t("Tokio", &[]),
    t("Axum", &[]),
    t("Actix", &["Actix Web"]),
    t("SQLx", &[]),
    t("Celery", &[]),
    t("iOS", &[]),
    t("Android", &[]),
    t("React Native", &[]),
    t("Flutter", &[]),
    // data stores
    t("PostgreSQL", &["Postgres", "psql"]),
    t("MySQL", &[]),
    t("MariaDB", &[]),
    t("SQLite", &[]),
    t("SQL Server", &["Microsoft SQL Server", "MSSQL", "MS SQL"]),
    t("Oracle Database", &["Oracle DB"]),
    t("MongoDB", &["Mongo"]),
    t("Redis", &[]),
    t("Cassandra", &["Apache Cassandra"]),
    t("DynamoDB", &[]),
    t("Elasticsearch", &[]),
    t("OpenSearch", &[]),
    t("Snowflake", &[]),
    t("Google BigQuery", &["BigQuery"]),
    t("Amazon Redshift", &["Redshift"]),
    t("Databricks", &[]),
    t("ClickHouse", &[]),
    t("Neo4j", &[]),
    t("CockroachDB", &[]),
    t("Supabase", &[]),
    t("Firebase", &[]),
    t("PostGIS", &[]),
    // streaming, data engineering, analytics
    t("Apache Kafka", &["Kafka"]),
    t("RabbitMQ", &[]),
    t("Apache Spark", &["=Spark", "PySpark"]),
    t("Hadoop", &[]),
    t("Apache Airflow", &["Airflow"]),
    t("dbt", &["data build tool"]),
    t("Apache Flink", &["Flink"]),
    t("Amazon SQS", &["SQS"]),
    t("Amazon Kinesis", &["Kinesis"]),
    t("Pub/Sub", &[]),
    t("NATS", &[]),
    t("ETL", &["ELT", "ETL pipelines"]),
    t("Data warehousing", &["data warehouse"]),
    t("Data modeling", &["data modelling"]),
    t("pandas", &[]),
    t("NumPy", &[]),
    t("SciPy", &[]),
    t("scikit-learn", &["sklearn"]),
    t("TensorFlow", &[]),
    t("PyTorch", &[]),
    t("Keras", &[]),
    t("statsmodels", &[]),
    t("Jupyter", &[]),
    t("Machine learning", &["=ML"]),
    t("Deep learning", &[]),
    t("NLP", &["natural language processing"]),
    t("Computer vision", &[]),
    t("LLM", &["large language models", "LLMs"]),
    t("Statistics", &["statistical analysis"]),
    t("A/B testing", &["A/B tests", "A/B test", "split testing"]),
    t("Regression", &["regression analysis", "logistic regression"]),
    t("Hypothesis testing", &[]),
    t("Forecasting", &["time-series forecasting", "demand forecasting", "demand forecasts"]),
    t("Cohort analysis", &["retention cohorts"]),
    b("Data analysis", "تحليل البيانات", &["data analytics"]),
    t("Data visualization", &["data visualisation"]),
    t("Geospatial analysis", &["GIS"]),
    t("Kepler.gl", &[]),
    t("Looker", &[]),
    t("Looker Studio", &["Data Studio"]),
    t("Tableau", &[]),
    t("Power BI", &["PowerBI"]),
    t("Qlik", &["QlikView", "Qlik Sense"]),
    t("Metabase", &[]),
    t("Google Analytics", &[]),
    t("Microsoft Excel", &["=Excel", "MS Excel"]),
    t("Power Query", &[]),
    t("Google Sheets", &[]),
    t("Mixpanel", &[]),
    t("Amplitude", &[]),
    // cloud, infrastructure, operations
    t("AWS", &["Amazon Web Services"]),
    t("Microsoft Azure", &["Azure"]),
    t("Google Cloud", &["GCP", "Google Cloud Platform"]),
    t("Docker", &[]),
    t("Kubernetes", &["K8s"]),
    t("=Helm", &[]),
    t("Terraform", &[]),
    t("Ansible", &[]),
    t("=Puppet", &[]),
    t("=Chef", &[]),
    t("Pulumi", &[]),
    t("CloudFormation", &[]),
    t("Amazon EKS", &["EKS"]),
    t("Amazon ECS", &["ECS"]),
    t("AWS Lambda", &[]),
    t("Amazon EC2", &["EC2"]),
    t("Amazon S3", &["S3"]),
    t("Amazon RDS", &["RDS"]),
    t("AWS KMS", &["KMS"]),
    t("Serverless", &[]),
    t("CI/CD", &["continuous integration", "continuous delivery", "continuous deployment"]),
    t("GitHub Actions", &[]),
    t("GitLab CI", &[]),
    t("Jenkins", &[]),
    t("CircleCI", &[]),
    t("Argo CD", &["ArgoCD"]),
    t("Git", &[]),
    t("GitHub", &[]),
    t("GitLab", &[]),
    t("Linux", &[]),
    t("Unix", &[]),
    t("Nginx", &[]),
    t("Prometheus", &[]),
    t("Grafana", &[]),
    t("Datadog", &[]),
    t("New Relic", &[]),
    t("Splunk", &[]),
    t("ELK", &["ELK stack"]),
    t("OpenTelemetry", &[]),
    t("Jaeger", &[]),
    t("Sentry", &[]),
    t("PagerDuty", &[]),
    t("Zabbix", &[]),
    t("Nagios", &[]),
    t("=Temporal", &["Temporal.io"]),
    t("=Cadence", &[]),
    t("Infrastructure as code", &["IaC"]),
    t("SRE", &["site reliability engineering"]),
    t("Observability", &[]),
    t("HashiCorp Vault", &[]),
    t("Istio", &[]),
    t("OAuth", &["OAuth2", "OAuth 2.0"]),
    t("OpenID Connect", &["OIDC"]),
    t("JWT", &[]),
    t("SAML", &[]),
    t("Event-driven architecture", &["event-driven", "event streaming", "event-streaming"]),
    t("Distributed systems", &[]),
    t("System design", &[]),
    t("Domain-driven design", &["DDD"]),
    t("Test-driven development", &["TDD"]),
    t("pytest", &[]),
    t("JUnit", &[]),
    t("Jest", &[]),
    t("Cypress", &[]),
    t("Selenium", &[]),
    t("Playwright", &[]),
    t("Postman", &[]),
    t("Agile", &[]),
    t("Scrum", &[]),
    t("Kanban", &[]),
    t("Jira", &[]),
    t("Confluence", &[]),
    t("Code review", &["code reviews"]),
    t("Open source", &["open-source"]),
    t("Backend development", &["backend", "back-end", "backend engineering"]),
    t("Frontend development", &["frontend", "front-end"]),
    t("Full-stack development", &["full-stack", "full stack"]),
    // networking and systems
    t("Cisco", &["Cisco IOS"]),
    t("Cisco IOS-XE", &["IOS-XE"]),
    t("BGP", &[]),
    t("OSPF", &[]),
    t("VLAN", &["VLANs"]),
    t("VPN", &["IPsec VPN", "IPsec"]),
    t("SD-WAN", &[]),
    t("Fortinet", &[]),
    t("Fortinet FortiGate", &["FortiGate"]),
    t("Palo Alto Networks", &[]),
    t("Windows Server", &[]),
    t("Active Directory", &[]),
    t("VMware vSphere", &["vSphere"]),
    t("VMware", &[]),
    t("Hyper-V", &[]),
    t("Veeam", &[]),
    t("CCNA", &[]),
    t("CCNP", &["CCNP Enterprise"]),
    t("Network security", &["أمن الشبكات"]),
    t("TCP/IP", &[]),
    t("DNS", &[]),
    t("DHCP", &[]),
    t("802.1X", &[]),
    t("Wireshark", &[]),
    // security and compliance
    t("PCI DSS", &["PCI-DSS", "=PCI"]),
    t("SOC 2", &["SOC2"]),
    t("ISO 27001", &[]),
    t("GDPR", &[]),
    t("HIPAA", &[]),
    t("ISO 20022", &[]),
    t("ACH", &["NACHA"]),
    t("OWASP", &[]),
    t("Penetration testing", &["pen testing"]),
    // business, finance, accounting
    b("Double-entry accounting", "القيد المزدوج", &["double-entry bookkeeping", "double entry accounting"]),
    b("Project management", "إدارة المشاريع", &[]),
    b("Product management", "إدارة المنتجات", &[]),
    b("Stakeholder management", "", &[]),
    b("=Budgeting", "الموازنات التقديرية", &["=budgeting", "الموازنات", "الموازنة التقديرية"]),
    b("Financial modeling", "النمذجة المالية", &["financial modelling"]),
    b("Financial analysis", "التحليل المالي", &[]),
    b("Financial reporting", "التقارير المالية", &[]),
    b("Financial statements", "القوائم المالية", &[]),
    b("Consolidated financial statements", "القوائم المالية الموحدة", &["consolidation"]),
    b("Month-end close", "الإقفال الشهري", &["month end close", "financial close"]),
    b("Accounts payable", "الذمم الدائنة", &[]),
    b("Accounts receivable", "الذمم المدينة", &[]),
    b("General ledger", "الأستاذ العام", &[]),
    b("Bank reconciliation", "مطابقة البنوك", &["bank reconciliations", "مطابقات البنوك", "المطابقات البنكية"]),
    b("Internal audit", "التدقيق الداخلي", &["internal auditing", "المراجعة الداخلية"]),
    b("External audit", "التدقيق الخارجي", &["external auditing", "المراجعة الخارجية"]),
    b("=Auditing", "التدقيق", &["=auditing", "المراجعة"]),
    b("Internal controls", "الرقابة الداخلية", &["internal control"]),
    b("Cost accounting", "محاسبة التكاليف", &[]),
    b("Cost analysis", "تحليل التكاليف", &[]),
    b("Standard costing", "التكاليف المعيارية", &[]),
    b("=Accounting", "المحاسبة", &["=accounting"]),
    b("IFRS", "", &["المعايير الدولية لإعداد التقارير المالية", "International Financial Reporting Standards"]),
    b("GAAP", "", &["US GAAP"]),
    b("VAT", "ضريبة القيمة المضافة", &["value added tax", "value-added tax"]),
    b("Zakat", "الزكاة", &[]),
    b("Taxation", "الضرائب", &["tax compliance"]),
    b("SOCPA", "", &["الزمالة السعودية للمحاسبين القانونيين"]),
    b("CPA", "", &["Certified Public Accountant"]),
    b("CMA", "", &["Certified Management Accountant", "المحاسب الإداري المعتمد"]),
    b("ACCA", "", &[]),
    b("CFA", "", &[]),
    b("SAP", "", &["SAP ERP"]),
    b("SAP FI", "", &["SAP FI/CO", "SAP FICO"]),
    b("Oracle Financials", "", &["Oracle EBS", "Oracle E-Business Suite"]),
    b("Oracle NetSuite", "", &["NetSuite"]),
    b("QuickBooks", "", &[]),
    b("Xero", "", &[]),
    b("Microsoft Dynamics", "", &["Dynamics 365"]),
    b("ERP", "", &["أنظمة تخطيط موارد المؤسسات"]),
    b("Manufacturing", "التصنيع", &["بيئة صناعية", "القطاع الصناعي"]),
    b("Leadership", "القيادة", &["team leadership"]),
    b("Mentoring", "", &["mentorship"]),
    b("Team management", "إدارة الفريق", &["people management"]),
    // healthcare
    h("RN license", &["Registered Nurse license", "RN licence", "nursing license"]),
    h("Registered Nurse", &["=RN"]),
    h("BLS", &["Basic Life Support"]),
    h("ACLS", &["Advanced Cardiovascular Life Support"]),
    h("PALS", &["Pediatric Advanced Life Support"]),
    h("ADN", &["Associate Degree in Nursing"]),
    h("BSN", &["Bachelor of Science in Nursing"]),
    h("CMSRN", &["Certified Medical-Surgical Registered Nurse"]),
    h("Acute care", &["acute-care"]),
    h("Patient care", &[]),
    h("Wound care", &[]),
    h("Medication administration", &["medications"]),
    h("IV therapy", &["intravenous infusion", "intravenous"]),
    h("Post-operative care", &["post-operative", "postoperative"]),
    h("Electronic health records", &["electronic health record", "EHR", "EMR"]),
    h("Telemetry", &[]),
    h("Infection prevention", &["infection control", "infection-prevention"]),
    h("Triage", &[]),
    h("Nursing", &["التمريض"]),
    h("Medical-surgical nursing", &["med-surg", "medical-surgical"]),
    h("CPR", &[]),
    // places that contain a language name
    place("Saudi Arabia", &["المملكة العربية السعودية", "السعودية"]),
    place("United Arab Emirates", &["الإمارات العربية المتحدة", "الامارات العربية المتحدة"]),
    place("Egypt", &["جمهورية مصر العربية"]),
    place("Arab world", &["الدول العربية", "المنطقة العربية", "الوطن العربي", "Arab world"]),
    place("English Channel", &[]),
    // spoken languages
    lang("English", "اللغة الإنجليزية", &["الإنجليزية", "الانجليزية", "الإنكليزية"]),
    lang("Arabic", "اللغة العربية", &["العربية"]),
    lang("French", "اللغة الفرنسية", &["الفرنسية", "Français"]),
    lang("Spanish", "اللغة الإسبانية", &["الإسبانية", "Español"]),
    lang("German", "اللغة الألمانية", &["الألمانية", "Deutsch"]),
    lang("Urdu", "الأردية", &[]),
    lang("Hindi", "الهندية", &[]),
    lang("Turkish", "التركية", &[]),
    lang("Mandarin", "الصينية", &["Chinese"]),
    lang("Japanese", "اليابانية", &[]),
    lang("Italian", "الإيطالية", &[]),
    lang("Portuguese", "البرتغالية", &[]),
    lang("Russian", "الروسية", &[]),
    lang("Korean", "الكورية", &[]),
    lang("Dutch", "الهولندية", &[]),
    lang("Persian", "الفارسية", &["Farsi"]),
];

/// Resume section headings (folded, "&" written as "and") by section kind name.
#[rustfmt::skip]
pub static RESUME_HEADINGS: &[(&str, &[&str])] = &[
    ("summary", &[
        "summary", "professional summary", "career summary", "executive summary", "profile",
        "professional profile", "personal profile", "about", "about me", "objective",
        "career objective", "overview", "الملخص", "الملخص المهني", "ملخص", "ملخص مهني", "نبذة",
        "نبذة عني", "نبذة مختصرة", "نبذة شخصية", "الملف الشخصي", "الهدف الوظيفي", "الهدف المهني",
    ]),
    ("experience", &[
        "experience", "work experience", "professional experience", "employment history",
        "employment", "work history", "career history", "relevant experience", "career",
        "experience and employment", "professional background", "الخبرات", "الخبرة",
        "الخبرات العملية", "الخبرة العملية", "الخبرة المهنية", "الخبرات المهنية", "السجل الوظيفي",
        "التاريخ الوظيفي", "الخبرات الوظيفية", "الخبرة الوظيفية",
    ]),
    ("education", &[
        "education", "academic background", "education and training", "academic qualifications",
        "educational background", "academic history", "التعليم", "المؤهلات العلمية",
        "المؤهل العلمي", "المؤهلات الاكاديمية", "التحصيل العلمي", "الدراسة", "التعليم والتدريب",
    ]),
    ("skills", &[
        "skills", "technical skills", "core competencies", "competencies", "key skills",
        "skills and tools", "tools", "technologies", "tech stack", "areas of expertise",
        "expertise", "skills and expertise", "core skills", "professional skills", "المهارات",
        "المهارات التقنية", "المهارات الفنية", "المهارات الاساسية", "الكفاءات", "المهارات المهنية",
        "المهارات والكفاءات",
    ]),
    ("languages", &[
        "languages", "language skills", "spoken languages", "اللغات", "المهارات اللغوية",
    ]),
    ("certifications", &[
        "certifications", "certificates", "certification", "licenses and certifications",
        "licences and certifications", "certifications and licenses", "professional certifications",
        "courses and certifications", "الشهادات", "الشهادات المهنية", "الدورات والشهادات",
        "الشهادات والدورات", "الرخص والشهادات",
    ]),
    ("projects", &[
        "projects", "personal projects", "selected projects", "key projects", "المشاريع",
        "المشروعات",
    ]),
    ("contact", &[
        "contact", "contact information", "contact details", "معلومات الاتصال", "بيانات التواصل",
        "التواصل",
    ]),
    ("other", &[
        "awards", "honors", "honours", "publications", "volunteering", "volunteer experience",
        "interests", "hobbies", "references", "activities", "الجوائز", "الهوايات", "المراجع",
        "الانشطة", "العمل التطوعي", "المنشورات",
    ]),
];

/// Job-ad section headings by role: responsibilities, requirements, nice, benefits, apply,
/// about and general (a heading about the job as a whole).
#[rustfmt::skip]
pub static JOB_HEADINGS: &[(&str, &[&str])] = &[
    ("responsibilities", &[
        "what you will do", "what you'll do", "what you will be doing", "what you'll be doing",
        "responsibilities", "key responsibilities", "your responsibilities", "duties", "job duties",
        "main duties", "your role", "day to day", "the job", "role responsibilities", "المهام",
        "المسؤوليات", "المهام والمسؤوليات", "المسؤوليات والمهام", "مهام الوظيفة", "الواجبات",
        "المهام الرئيسية", "ماذا ستفعل",
    ]),
    ("requirements", &[
        "requirements", "job requirements", "minimum requirements", "basic qualifications",
        "required qualifications", "minimum qualifications", "qualifications", "what you bring",
        "what you'll bring", "what you will bring", "what we're looking for",
        "what we are looking for", "who you are", "must have", "must haves", "required skills",
        "skills and experience", "your profile", "you have", "you should have",
        "requirements and qualifications", "about you", "المتطلبات", "متطلبات الوظيفة", "المؤهلات",
        "المؤهلات المطلوبة", "الشروط", "المهارات المطلوبة", "المؤهلات والخبرات",
        "المؤهلات والمتطلبات", "ما نبحث عنه", "الخبرات المطلوبة",
    ]),
    ("nice", &[
        "nice to have", "nice to haves", "bonus", "bonus points", "preferred",
        "preferred qualifications", "preferred skills", "pluses", "a plus", "good to have",
        "desirable", "extra credit", "يفضل", "مميزات اضافية", "من المستحسن", "يعتبر ميزة",
        "مهارات مفضلة", "المؤهلات المفضلة",
    ]),
    ("benefits", &[
        "benefits", "what we offer", "perks", "compensation", "salary", "our offer", "why join us",
        "ما نقدمه", "المزايا", "مزايا الوظيفة",
    ]),
    ("apply", &["how to apply", "طريقة التقديم", "كيفية التقديم"]),
    ("about", &["about us", "about the company", "نبذة عن الشركة", "عن الشركة"]),
    // describe the job as a whole: what a line under them is depends on what it says
    ("general", &[
        "about the role", "the role", "job description", "job summary", "description", "overview",
        "about the job", "the opportunity", "وصف الوظيفة", "الوصف الوظيفي", "عن الوظيفة",
    ]),
];

/// Heading cue words by section role, for headings not in [`JOB_HEADINGS`]: a heading is
/// read by the words it is made of ("Your Qualifications", "Skills we need", "شروط
/// التقديم"). Matched against folded words and their stems; a trailing `*` makes the cue a
/// prefix. Earlier roles win over later ones when a heading has cues of several.
#[rustfmt::skip]
pub static JOB_HEADING_CUES: &[(&str, &[&str])] = &[
    ("nice", &[
        "nice", "bonus", "plus", "pluses", "prefer*", "desir*", "extra", "advantage*", "asset*",
        "optional", "يفضل", "تفضيل*", "مفضل*", "مرغوب*", "مستحسن", "اضافي*", "ميزه", "تميز*",
    ]),
    ("apply", &[
        "apply", "application*", "contact", "تقديم", "للتقديم", "التقديم", "ارسال", "التواصل",
        "للتواصل", "تواصل",
    ]),
    ("benefits", &[
        "benefit*", "offer*", "perk*", "compensat*", "salary", "salaries", "pay", "package",
        "reward*", "why", "مزايا", "مزاي*", "نقدم*", "راتب", "رواتب", "امتياز*", "حوافز",
        "مميزات", "تعويض*",
    ]),
    ("requirements", &[
        "require*", "qualif*", "skill*", "must", "need*", "looking", "bring", "profile",
        "candidate", "competenc*", "experience*", "background", "criteria", "eligib*", "expect*",
        "متطلب*", "مؤهل*", "شرط", "شروط", "مطلوب*", "مهار*", "نبحث", "خبر*", "كفاء*", "مواصف*",
        "نحتاج*", "تحتاج*", "نريد",
    ]),
    ("responsibilities", &[
        "responsib*", "dut*", "task*", "do", "doing", "mission", "accountab*", "day", "impact",
        "own", "ll", "will", "مهام", "مهمه", "مهم", "مسؤول*", "واجب*", "ستقوم", "ستعمل",
    ]),
    ("about", &["about", "company", "who", "نبذه", "عن", "نحن", "شركه", "الشركه"]),
    ("general", &["role", "دور", "description", "overview", "summary", "opportunity", "position", "وصف", "الوظيفه", "وظيفه"]),
];

/// Content cues: words that make a line read as a requirement (experience, degree,
/// proficiency, obligation) — folded prefixes when ending in `*`.
#[rustfmt::skip]
pub static REQUIREMENT_CUES: &[&str] = &[
    "experienc*", "proficien*", "knowledg*", "familiar*", "understand*", "degree", "diploma",
    "bachelor*", "master*", "licen*", "certif*", "qualif*", "fluen*", "must", "required",
    "requirement*", "able", "ability", "skill*", "background", "expertise", "comfortable",
    "capable", "minimum", "valid", "eligib*", "strong", "excellent", "solid", "proven",
    "graduate*", "registered", "holder", "hold", "speak*", "written", "spoken",
    "خبر*", "اجاد*", "اتقان", "ملم*", "المام*", "الالمام", "معرف*", "درايه", "شهاد*",
    "بكالوريوس", "دبلوم", "ماجستير", "رخص*", "يجب", "مطلوب*", "قدر*", "القدر*", "طلاق*",
    "حاصل*", "الحصول", "مؤهل*", "سنوات", "متمكن*", "امتلاك", "اتقان", "تخرج*", "خريج*",
];

/// Content cues of a nice-to-have ("… is a plus", "preferred", "يفضل", "ميزة").
#[rustfmt::skip]
pub static NICE_CUES: &[&str] = &[
    "prefer*", "ideally", "desirabl*", "advantage*", "يفضل", "ويفضل",
    "ميزه", "بميزه", "مفضل*", "مرغوب*", "مستحسن*", "تفضيل*",
];

/// Content cues of a benefit (pay, insurance, leave, allowances).
#[rustfmt::skip]
pub static BENEFIT_CUES: &[&str] = &[
    "salary", "salaries", "pay", "paid", "compensation", "insurance", "leave", "vacation",
    "holiday*", "pension", "allowance*", "housing", "membership", "discount*", "equity", "401k",
    "commission*", "bonus*", "retirement", "pto", "overtime", "tips", "perk*", "راتب", "رواتب", "تامين*", "التامين*",
    "اجاز*", "بدل", "بدلات", "سكن", "مواصلات", "عمول*", "حوافز", "مكافا*", "تذاكر", "طبي",
];

/// Content cues of application instructions.
#[rustfmt::skip]
pub static APPLY_CUES: &[&str] = &[
    "apply", "applications", "submit", "send", "email", "e-mail", "deadline", "ارسل*", "للتقديم",
    "التقديم", "يرجي", "ارسال",
];

/// Duty verbs that open a responsibility line ("Manage …", "Prepare …"), as English stems
/// (see `text::fold::stem_en`) — Arabic duty lines are recognised by verbal-noun patterns.
#[rustfmt::skip]
pub static DUTY_VERBS: &[&str] = &[
    "manag", "lead", "develop", "design", "build", "maintain", "prepar", "coordinat", "ensur",
    "support", "creat", "handl", "conduct", "monitor", "report", "plan", "run", "assist",
    "deliver", "driv", "own", "work", "collaborat", "provid", "perform", "review", "analyz",
    "analys", "implement", "writ", "train", "teach", "serv", "greet", "install", "repair",
    "inspect", "sell", "negotiat", "process", "track", "respond", "schedul", "organis", "organiz",
    "administer", "record", "operat", "optimiz", "optimis", "launch", "present", "identify",
    "reconcil", "audit", "draft", "advis", "mentor", "partner", "participat", "oversee",
    "supervis", "evaluat", "assess", "test", "deploy", "configur", "troubleshoot", "diagnos",
    "treat", "car", "administ", "document", "communicat", "liais", "answer", "cook", "clean",
    "load", "unload", "pick", "pack", "ship", "dispatch", "stock", "order", "purchas", "budget",
    "forecast", "measur", "improv", "research", "help", "guid", "follow", "execut", "grow",
    "generat", "prospect", "qualify", "clos", "visit", "attend", "keep", "set", "mak", "tak",
    "act", "updat", "produc", "edit", "publish", "captur", "shoot", "instal", "wir", "weld",
    "fabricat", "calibrat", "check", "verify", "investigat", "resolv", "escalat", "welcom", "book",
    "shap", "defin", "translat", "represent", "collect", "enter", "fil", "upsell", "cross-sell",
    "demonstrat", "contribut", "champion", "facilitat", "moderat", "curat", "prototyp", "refactor",
    "integrat", "migrat", "automat", "scal", "secur", "protect", "patrol", "survey", "estimat",
    "submit", "count", "sort", "lift", "mix", "bak", "grill", "plat",
];

/// Arabic duty words that open a responsibility line and do not fit the verbal-noun
/// patterns the parser checks.
#[rustfmt::skip]
pub static DUTY_WORDS_AR: &[&str] = &[
    "العمل", "عمل", "بناء", "كتابه", "قياس", "رعايه", "صيانه", "قياده", "دعم", "حل", "جمع",
    "بيع", "شراء", "نقل", "فحص", "وضع", "رفع", "خدمه", "ضمان", "قيادة", "الاشراف", "اشراف",
];

/// Degree fields in English and Arabic, for matching a degree requirement in one language
/// against an education entry in the other (the common translated terms).
#[rustfmt::skip]
pub static FIELD_TRANSLATIONS: &[(&str, &str)] = &[
    ("accounting", "المحاسبة"), ("accounting", "محاسبة"), ("finance", "المالية"),
    ("finance", "التمويل"), ("economics", "الاقتصاد"), ("marketing", "التسويق"),
    ("business administration", "إدارة الأعمال"), ("human resources", "الموارد البشرية"),
    ("computer science", "علوم الحاسب"), ("computer science", "علوم الحاسوب"),
    ("information technology", "تقنية المعلومات"), ("civil engineering", "الهندسة المدنية"),
    ("civil engineering", "هندسة مدنية"), ("mechanical engineering", "الهندسة الميكانيكية"),
    ("mechanical engineering", "هندسة ميكانيكية"), ("electrical engineering", "الهندسة الكهربائية"),
    ("industrial engineering", "الهندسة الصناعية"), ("nursing", "التمريض"), ("nursing", "تمريض"),
    ("pharmacy", "الصيدلة"), ("pharmacy", "صيدلة"), ("law", "القانون"), ("law", "الحقوق"),
    ("mathematics", "الرياضيات"), ("statistics", "الإحصاء"), ("education", "التربية"),
    ("arabic", "اللغة العربية"), ("english", "اللغة الإنجليزية"), ("medicine", "الطب"),
    ("supply chain management", "إدارة سلاسل الإمداد"), ("logistics", "الخدمات اللوجستية"),
    ("hospitality", "الضيافة"), ("graphic design", "التصميم الجرافيكي"),
];

/// Words that say a header fragment is a job title.
#[rustfmt::skip]
pub static ROLE_WORDS: &[&str] = &[
    "engineer", "developer", "analyst", "manager", "intern", "internship", "consultant",
    "accountant", "designer", "scientist", "architect", "administrator", "admin", "specialist",
    "officer", "director", "lead", "head", "coordinator", "assistant", "technician", "nurse",
    "teacher", "auditor", "president", "founder", "cofounder", "owner", "programmer", "tester",
    "writer", "editor", "representative", "advisor", "adviser", "clerk", "controller", "bookkeeper",
    "executive", "strategist", "researcher", "lecturer", "professor", "trainee", "apprentice",
    "supervisor", "associate", "partner", "cto", "ceo", "cfo", "vp", "sre", "devops", "recruiter",
    "marketer", "operator", "agent", "instructor", "pharmacist", "physician", "therapist", "محاسب",
    "محاسبه", "مهندس", "مهندسه", "مدقق", "مدققه", "مدير", "مديره", "مسؤول", "مسؤوله", "اخصائي",
    "اخصائيه", "محلل", "محلله", "مطور", "مطوره", "متدرب", "متدربه", "مستشار", "مستشاره", "منسق",
    "منسقه", "رئيس", "رئيسه", "مشرف", "مشرفه", "فني", "فنيه", "ممرض", "ممرضه", "معلم", "معلمه",
    "مصمم", "مصممه", "موظف", "موظفه", "مساعد", "مساعده", "امين", "باحث", "باحثه", "مراجع", "مراجعه",
    "كاتب", "مبرمج", "مبرمجه", "خبير",
];

/// Words that say a header fragment is an organisation.
#[rustfmt::skip]
pub static COMPANY_WORDS: &[&str] = &[
    "inc", "inc.", "llc", "ltd", "ltd.", "limited", "gmbh", "corp", "corp.", "corporation",
    "company", "co.", "group", "plc", "ag", "sa", "bv", "holdings", "partners", "solutions",
    "technologies", "systems", "bank", "hospital", "agency", "studio", "labs", "software",
    "logistics", "insurance", "union", "ministry", "authority", "foundation", "شركه", "مكتب",
    "مجموعه", "مؤسسه", "بنك", "مصرف", "وزاره", "هيئه", "مستشفي", "مركز",
];

/// Words that say a fragment is an educational institution.
#[rustfmt::skip]
pub static INSTITUTION_WORDS: &[&str] = &[
    "university", "institute", "college", "school", "academy", "polytechnic", "جامعه", "معهد",
    "كليه", "اكاديميه", "مدرسه",
];

/// Level/qualifier words dropped from skill names ("Excel (advanced)").
#[rustfmt::skip]
pub static LEVEL_WORDS: &[&str] = &[
    "advanced", "intermediate", "basic", "beginner", "expert", "proficient", "fluent", "native",
    "native speaker", "mother tongue", "professional", "working proficiency", "conversational",
    "متقدم", "مستوي متقدم", "متوسط", "مبتدئ", "ممتاز", "جيد", "جيد جدا", "اللغه الام", "طلاقه",
];

/// Common words that never count as keywords or as evidence on their own.
#[rustfmt::skip]
pub static STOP_WORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "in", "on", "at", "to", "for", "with", "by", "from", "as",
    "is", "are", "be", "been", "was", "were", "our", "your", "you", "we", "they", "their", "this",
    "that", "these", "those", "it", "its", "into", "over", "under", "about", "than", "such", "e.g",
    "eg", "i.e", "etc", "using", "use", "including", "include", "plus", "per", "least", "more",
    "most", "other", "another", "similar", "any", "all", "both", "each", "who", "what", "will",
    "can", "must", "should", "have", "has", "having", "strong", "solid", "good", "great",
    "excellent", "proven", "ability", "able", "knowledge", "experience", "experienced",
    "understanding", "familiarity", "familiar", "skills", "skill", "work", "working", "years",
    "year", "hands", "hands-on", "professional", "clear", "high", "new", "well", "also", "not",
    "do", "does", "we're", "you'll", "s", "like", "based", "role", "team", "teams", "within",
    "across", "through", "via", "while", "up", "out", "one", "two", "three", "four", "five", "six",
    "seven", "eight", "nine", "ten", "preferably", "ideally", "required", "preferred", "في", "من",
    "الى", "إلى", "على", "عن", "مع", "او", "أو", "و", "ثم", "التي", "الذي", "الذين", "هذا", "هذه",
    "ذلك", "تلك", "كل", "بعض", "اي", "أي", "لا", "لم", "لن", "قد", "كان", "تكون", "يكون", "عند",
    "بين", "حتى", "خلال", "منها", "فيها", "بها", "له", "لها", "مثل", "ذات", "ذو", "خبره", "خبرة",
    "معرفه", "معرفة", "اجاده", "إجادة", "القدره", "القدرة", "قدره", "سنوات", "سنه", "سنة", "عام",
    "الأقل", "الاقل", "تقل", "عملية", "عمليه", "متعمقة", "متعمقه", "جيدة", "جيده", "ممتازة",
    "ممتازه", "قوية", "قويه",
];

/// English month names and abbreviations (folded) → month number.
#[rustfmt::skip]
pub static MONTHS_EN: &[(&str, u32)] = &[
    ("january", 1), ("jan", 1), ("february", 2), ("feb", 2), ("march", 3), ("mar", 3), ("april", 4),
    ("apr", 4), ("may", 5), ("june", 6), ("jun", 6), ("july", 7), ("jul", 7), ("august", 8),
    ("aug", 8), ("september", 9), ("sept", 9), ("sep", 9), ("october", 10), ("oct", 10),
    ("november", 11), ("nov", 11), ("december", 12), ("dec", 12),
];

/// Arabic month names (folded): Egyptian/Gulf and Levantine.
#[rustfmt::skip]
pub static MONTHS_AR: &[(&str, u32)] = &[
    ("يناير", 1), ("فبراير", 2), ("مارس", 3), ("ابريل", 4), ("ابريل", 4), ("مايو", 5), ("يونيو", 6),
    ("يونيه", 6), ("يوليو", 7), ("يوليه", 7), ("اغسطس", 8), ("سبتمبر", 9), ("اكتوبر", 10),
    ("نوفمبر", 11), ("ديسمبر", 12), ("كانون الثاني", 1), ("شباط", 2), ("اذار", 3), ("نيسان", 4),
    ("ايار", 5), ("حزيران", 6), ("تموز", 7), ("اب", 8), ("ايلول", 9), ("تشرين الاول", 10),
    ("تشرين الثاني", 11), ("كانون الاول", 12),
];

/// Display month names.
#[rustfmt::skip]
pub static MONTH_NAMES_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
#[rustfmt::skip]
pub static MONTH_NAMES_AR: [&str; 12] = [
    "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر",
    "نوفمبر", "ديسمبر",
];
