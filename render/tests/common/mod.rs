//! Fixture people (from /work/shared/fixtures) as render view models, and helpers that read
//! the outputs back the way a user or an ATS would: poppler's pdftotext/pdfinfo, the DOCX XML.

#![allow(dead_code, clippy::unwrap_used)]

use std::io::Read;
use std::path::PathBuf;
use std::process::Command;

use render::{CoverLetter, CvDocument, CvItem, CvSection, Lang};

pub fn s(v: &str) -> String {
    v.to_owned()
}

fn job(title: &str, company: &str, dates: &str, bullets: &[&str]) -> CvItem {
    CvItem {
        heading: Some(s(title)),
        subheading: Some(s(company)),
        dates: Some(s(dates)),
        text: None,
        bullets: bullets.iter().map(|b| s(b)).collect(),
    }
}

fn label(heading: &str, text: &str) -> CvItem {
    CvItem {
        heading: Some(s(heading)),
        text: Some(s(text)),
        ..Default::default()
    }
}

/// Maya Lindqvist, English backend engineer (src/cv_en_backend_maya_lindqvist.yaml).
pub fn maya() -> CvDocument {
    CvDocument {
        lang: Lang::En,
        name: s("Maya Lindqvist"),
        headline: Some(s("Senior Backend Engineer")),
        contact: vec![
            s("maya.lindqvist@example.com"),
            s("+1 503-555-0148"),
            s("Portland, OR, USA"),
            s("https://maya.example.com/"),
        ],
        summary: Some(s(
            "Backend engineer with 10 years of experience designing, building and operating high-throughput services in Rust, Go and Python. Comfortable owning a system end to end, from API contract and data model to deployment, observability and on-call.",
        )),
        summary_title: None,
        sections: vec![
            CvSection {
                title: s("Experience"),
                items: vec![
                    job(
                        "Senior Backend Engineer",
                        "Parcelwise Logistics, Portland, OR (hybrid)",
                        "Jan 2021 – present",
                        &[
                            "Led the rewrite of the shipment-tracking API in Rust (Axum, Tokio, SQLx), cutting p99 latency from 420 ms to 85 ms at 3,500 requests per second.",
                            "Designed the carrier-event pipeline on Apache Kafka that ingests 40 million scan events per day into PostgreSQL, using idempotent consumers and an outbox table to avoid duplicates.",
                            "Moved 14 services from EC2 to Kubernetes (Amazon EKS) with Helm charts and GitHub Actions pipelines; lead of the platform on-call rotation.",
                            "Mentored four engineers and ran the backend design-review process.",
                        ],
                    ),
                    job(
                        "Backend Engineer",
                        "Brightloom, Seattle, WA",
                        "Jun 2018 – Dec 2020",
                        &[
                            "Built booking and scheduling microservices in Go with gRPC and PostgreSQL, handling 1.2 million bookings a month for 3,000 fitness studios and salons.",
                            "Cut the monthly AWS bill by 28% by right-sizing RDS instances and moving batch jobs to spot capacity.",
                            "Added Prometheus metrics and Grafana dashboards, bringing mean time to recovery down from 3 hours to 40 minutes.",
                        ],
                    ),
                    job(
                        "Software Engineer",
                        "Quillstack Software, Seattle, WA",
                        "Aug 2016 – May 2018",
                        &[
                            "Developed REST APIs in Python (Django, Django REST Framework) for a B2B invoicing product used by 2,000 small businesses.",
                            "Owned the pytest suite and raised test coverage from 52% to 85%.",
                        ],
                    ),
                ],
            },
            CvSection {
                title: s("Education"),
                items: vec![job(
                    "B.S. Computer Science",
                    "Lakeshore Institute of Technology, Chicago, IL",
                    "Sep 2012 – Jun 2016",
                    &[
                        "Capstone: a replicated key-value store in Go using the Raft consensus algorithm",
                    ],
                )],
            },
            CvSection {
                title: s("Skills"),
                items: vec![
                    label("Languages", "Rust, Go, Python, SQL"),
                    label("Data", "PostgreSQL, Redis, Apache Kafka"),
                    label(
                        "Infrastructure",
                        "Docker, Kubernetes, Helm, AWS (EKS, RDS, SQS, KMS), GitHub Actions",
                    ),
                    label(
                        "Certifications",
                        "AWS Certified Developer – Associate (2022)",
                    ),
                ],
            },
        ],
        keywords: [
            "Rust",
            "Go",
            "Python",
            "PostgreSQL",
            "Apache Kafka",
            "Kubernetes",
            "Docker",
            "AWS",
            "gRPC",
            "REST",
        ]
        .iter()
        .map(|k| s(k))
        .collect(),
        title: None,
    }
}

/// Sara al-Mansouri, Arabic accountant (src/cv_ar_accountant_sara_almansouri.yaml).
pub fn sara() -> CvDocument {
    CvDocument {
        lang: Lang::Ar,
        name: s("سارة خالد المنصوري"),
        headline: Some(s("محاسبة قانونية أولى")),
        contact: vec![
            s("sara.almansouri@example.com"),
            s("+966 55 010 2345"),
            s("الرياض، المملكة العربية السعودية"),
        ],
        summary: Some(s(
            "محاسبة قانونية بخبرة تزيد على عشر سنوات في إعداد القوائم المالية وفق المعايير الدولية لإعداد التقارير المالية (IFRS)، وإدارة الإقفال الشهري والسنوي، والالتزام بمتطلبات ضريبة القيمة المضافة والزكاة. أجيد العمل على نظام SAP وأتمتة التقارير باستخدام Excel وPower BI.",
        )),
        summary_title: None,
        sections: vec![
            CvSection {
                title: s("الخبرة العملية"),
                items: vec![
                    job(
                        "محاسبة أولى",
                        "شركة النخبة للمقاولات، الرياض",
                        "فبراير 2020 – حتى الآن",
                        &[
                            "إعداد القوائم المالية الشهرية والربعية والسنوية وفق معايير IFRS وعرضها على الإدارة العليا.",
                            "خفض مدة الإقفال الشهري من عشرة أيام عمل إلى ستة أيام بأتمتة قيود التسويات في نظام SAP.",
                            "إعداد إقرارات ضريبة القيمة المضافة والزكاة وتقديمها في مواعيدها دون أي غرامات.",
                            "الإشراف على فريق من ثلاثة محاسبين وتدريبهم على إجراءات الإقفال.",
                        ],
                    ),
                    job(
                        "مدققة حسابات",
                        "مكتب الرواد للتدقيق والمحاسبة، جدة",
                        "سبتمبر 2017 – يناير 2020",
                        &[
                            "تنفيذ أعمال التدقيق الخارجي لأكثر من 20 عميلا في قطاعات التجزئة والمقاولات والخدمات.",
                            "مراجعة أرصدة الذمم المدينة والدائنة ومطابقة كشوف الحسابات البنكية.",
                        ],
                    ),
                    job(
                        "محاسبة عامة",
                        "شركة الأفق للتجارة، جدة",
                        "مارس 2016 – أغسطس 2017",
                        &[
                            "تسجيل القيود اليومية ومتابعة الذمم الدائنة لأكثر من 150 من الموردين.",
                            "إعداد مطابقات البنوك الشهرية وجرد الصندوق.",
                        ],
                    ),
                ],
            },
            CvSection {
                title: s("التعليم"),
                items: vec![job(
                    "بكالوريوس في المحاسبة",
                    "جامعة الساحل للعلوم الإدارية، جدة",
                    "2012 – 2016",
                    &["تخرجت بتقدير ممتاز مع مرتبة الشرف."],
                )],
            },
            CvSection {
                title: s("المهارات"),
                items: vec![
                    label(
                        "المعايير والأنظمة",
                        "المعايير الدولية لإعداد التقارير المالية IFRS، ضريبة القيمة المضافة، الزكاة",
                    ),
                    label("البرامج", "SAP FI، Microsoft Excel (متقدم)، Power BI"),
                    label(
                        "الشهادات",
                        "الزمالة السعودية للمحاسبين القانونيين SOCPA (2021)",
                    ),
                    label("اللغات", "العربية (اللغة الأم)، الإنجليزية (مستوى متقدم)"),
                ],
            },
        ],
        keywords: [
            "IFRS",
            "SAP FI",
            "Microsoft Excel",
            "Power BI",
            "ضريبة القيمة المضافة",
            "الزكاة",
            "SOCPA",
        ]
        .iter()
        .map(|k| s(k))
        .collect(),
        title: None,
    }
}

/// Yousef Al-Zoubi, bilingual network engineer (resumes/bilingual_network_engineer_yousef_alzoubi.txt).
pub fn yousef() -> CvDocument {
    CvDocument {
        lang: Lang::Ar,
        name: s("يوسف أحمد الزعبي"),
        headline: Some(s("مهندس شبكات وأنظمة | Network & Systems Engineer")),
        contact: vec![
            s("عمّان، الأردن"),
            s("yousef.alzoubi@example.net"),
            s("+962 79 555 0142"),
        ],
        summary: Some(s(
            "مهندس شبكات وأنظمة بخبرة تسع سنوات في تصميم وتشغيل شبكات الشركات ومراكز البيانات، مع تركيز على الأتمتة والمراقبة وأمن الشبكات.",
        )),
        summary_title: None,
        sections: vec![
            CvSection {
                title: s("الخبرة العملية"),
                items: vec![
                    job(
                        "مهندس شبكات أول",
                        "شركة جسور للحلول التقنية (Josour Tech Solutions) — عمّان",
                        "2019 – حتى الآن",
                        &[
                            "تصميم وتشغيل شبكة تربط 35 فرعا لعملاء من القطاع المصرفي باستخدام أجهزة Cisco وFortinet.",
                            "أتمتة إعداد الأجهزة باستخدام Ansible، مما خفض وقت تجهيز الفرع الجديد من يومين إلى ثلاث ساعات.",
                        ],
                    ),
                    job(
                        "مسؤول أنظمة",
                        "مجموعة الوادي الأخضر للتجارة (Green Valley Trading Group) — الزرقاء",
                        "2016 – 2019",
                        &[
                            "إدارة خوادم Windows Server وخدمة Active Directory لنحو 400 مستخدم.",
                            "ترحيل 60 خادما فعليا إلى بيئة VMware vSphere وتقليل استهلاك الطاقة في غرفة الخوادم.",
                        ],
                    ),
                ],
            },
            CvSection {
                title: s("المهارات (Skills)"),
                items: vec![
                    label(
                        "Networking",
                        "Cisco IOS-XE, BGP, OSPF, VLANs, IPsec VPN, SD-WAN",
                    ),
                    label(
                        "Security",
                        "Fortinet FortiGate, 802.1X, network segmentation",
                    ),
                    label(
                        "Systems",
                        "Linux (Ubuntu, RHEL), Windows Server, Active Directory, VMware vSphere, Veeam",
                    ),
                    label(
                        "Automation & monitoring",
                        "Ansible, Python, Bash, Zabbix, Grafana",
                    ),
                ],
            },
        ],
        keywords: [
            "Cisco IOS-XE",
            "BGP",
            "Fortinet FortiGate",
            "Linux",
            "Windows Server",
            "VMware vSphere",
            "Ansible",
            "Zabbix",
        ]
        .iter()
        .map(|k| s(k))
        .collect(),
        title: None,
    }
}

pub fn maya_letter() -> CoverLetter {
    CoverLetter {
        lang: Lang::En,
        sender_name: s("Maya Lindqvist"),
        sender_contact: vec![
            s("maya.lindqvist@example.com"),
            s("+1 503-555-0148"),
            s("Portland, OR, USA"),
        ],
        date: Some(s("1 November 2026")),
        recipient: Some(s("Hiring Team\nLedgerline Payments")),
        subject: Some(s("Application: Senior Backend Engineer (Rust)")),
        greeting: s("Dear Hiring Team,"),
        paragraphs: vec![
            s(
                "I am applying for the Senior Backend Engineer (Rust) role at Ledgerline Payments. For the last four years I have led backend work at Parcelwise Logistics, where I rewrote the shipment-tracking API in Rust and cut p99 latency from 420 ms to 85 ms.",
            ),
            s(
                "I designed an Apache Kafka pipeline that ingests 40 million events per day into PostgreSQL with idempotent consumers, and moved 14 services to Kubernetes on AWS.",
            ),
            s(
                "I would welcome the chance to bring the same care for correctness and operability to your payments platform.",
            ),
        ],
        closing: s("Kind regards,"),
    }
}

pub fn sara_letter() -> CoverLetter {
    CoverLetter {
        lang: Lang::Ar,
        sender_name: s("سارة خالد المنصوري"),
        sender_contact: vec![s("sara.almansouri@example.com"), s("+966 55 010 2345")],
        date: None,
        recipient: Some(s("شركة الريان للصناعات الغذائية")),
        subject: Some(s("طلب وظيفة محاسب أول")),
        greeting: s("السادة فريق التوظيف المحترمين،"),
        paragraphs: vec![
            s(
                "أتقدم بطلبي لوظيفة محاسب أول لدى شركة الريان للصناعات الغذائية، ولدي خبرة تزيد على عشر سنوات في إعداد القوائم المالية وفق معايير IFRS.",
            ),
            s(
                "عملت في شركة النخبة للمقاولات على خفض مدة الإقفال الشهري من عشرة أيام إلى ستة أيام بأتمتة قيود التسويات في نظام SAP.",
            ),
            s("يسعدني أن أضع خبرتي في ضريبة القيمة المضافة والزكاة في خدمة فريقكم."),
        ],
        closing: s("مع خالص التحية والتقدير،"),
    }
}

/// Removes bidi controls (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) and collapses
/// whitespace, as MANIFEST.md prescribes before comparing extracted Arabic.
pub fn normalise(text: &str) -> String {
    let stripped: String = text
        .chars()
        .filter(|c| !matches!(*c as u32, 0x200E | 0x200F | 0x202A..=0x202E | 0x2066..=0x2069))
        .collect();
    stripped.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn tool_available(name: &str) -> bool {
    Command::new(name).arg("-v").output().is_ok()
}

pub fn temp_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("render-tests-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// pdftotext output (normalised), or None (with a message) when poppler is missing.
pub fn pdftotext(pdf: &[u8], name: &str) -> Option<String> {
    if !tool_available("pdftotext") {
        eprintln!("SKIPPED: pdftotext (poppler-utils) not found; install it to check PDF text");
        return None;
    }
    let path = temp_path(&format!("{name}.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pdftotext failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(normalise(&String::from_utf8(out.stdout).unwrap()))
}

/// pdfinfo output (raw), or None when poppler is missing.
pub fn pdfinfo(pdf: &[u8], name: &str) -> Option<String> {
    if !tool_available("pdfinfo") {
        eprintln!("SKIPPED: pdfinfo (poppler-utils) not found; install it to check PDF metadata");
        return None;
    }
    let path = temp_path(&format!("{name}-info.pdf"));
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdfinfo").arg(&path).output().unwrap();
    assert!(out.status.success());
    Some(String::from_utf8(out.stdout).unwrap())
}

/// One part of a DOCX (a ZIP), e.g. `word/document.xml`.
pub fn docx_part(docx: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut file = archive.by_name(part).unwrap();
    let mut xml = String::new();
    file.read_to_string(&mut xml).unwrap();
    xml
}

/// The text of `word/document.xml`: every `<w:t>` joined, one line per paragraph.
pub fn docx_text(docx: &[u8]) -> String {
    let xml = docx_part(docx, "word/document.xml");
    let mut text = String::new();
    for para in xml.split("</w:p>") {
        for piece in para.split("<w:t").skip(1) {
            let Some(start) = piece.find('>') else {
                continue;
            };
            let Some(end) = piece.find("</w:t>") else {
                continue;
            };
            text.push_str(&piece[start + 1..end]);
        }
        text.push('\n');
    }
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}
