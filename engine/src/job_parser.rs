//! Rule-based job-description parsing: title, company, location, seniority, the
//! responsibilities / must-have / nice-to-have lists and keywords.
//!
//! Every bullet or sentence gets a [`SectionRole`] the way a recruiter reads an ad: from its
//! heading — known headings, else the words the heading is made of, in English or Arabic —
//! and from what the line says (years, degrees, licences and proficiency make a requirement;
//! "preferred / a plus / يفضل" a nice-to-have; an opening duty verb a responsibility; pay,
//! insurance and leave a benefit). Lines nothing decides take the majority role of their
//! block, and an ad with requirement-like lines never ends with zero requirements.
//! [`job_items`] exposes the roles for inspection and evaluation.

use std::sync::LazyLock;

use regex::Regex;

use crate::dict::{
    APPLY_CUES, BENEFIT_CUES, COMPANY_WORDS, DUTY_VERBS, DUTY_WORDS_AR, JOB_HEADING_CUES,
    JOB_HEADINGS, NICE_CUES, REQUIREMENT_CUES, ROLE_WORDS,
};
use crate::fold::{collapse_whitespace, fold, stem_en, tokenize};
use crate::headings::heading_key;
use crate::resume_index::DEGREE_WORD_RE;
use crate::terms::{display, find_extras, find_names, find_terms, is_stop};
use crate::textutil::{
    any_word_in, bullet_content, detect_lang, is_all_caps, lang_from_hint, lines, md_level,
    sentence_spans, strip_md, word_count,
};
use crate::types::ParsedJob;
use crate::years::required_years;

/// What a part of a job ad is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SectionRole {
    Responsibilities,
    Requirements,
    Nice,
    Benefits,
    About,
    Apply,
    /// Nothing in the heading or the line says what it is (dropped from the lists).
    Other,
}

impl SectionRole {
    /// "responsibilities", "requirements", "nice", "benefits", "about", "apply", "other".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Responsibilities => "responsibilities",
            Self::Requirements => "requirements",
            Self::Nice => "nice",
            Self::Benefits => "benefits",
            Self::About => "about",
            Self::Apply => "apply",
            Self::Other => "other",
        }
    }

    /// The role a name from [`SectionRole::as_str`] (or a dictionary role) stands for.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "responsibilities" => Self::Responsibilities,
            "requirements" => Self::Requirements,
            "nice" => Self::Nice,
            "benefits" => Self::Benefits,
            "about" => Self::About,
            "apply" => Self::Apply,
            "other" => Self::Other,
            _ => return None,
        })
    }
}

/// One requirement-sized line (a bullet or a sentence) of a job ad, with the heading it sits
/// under and the role the parser gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobItem {
    pub heading: Option<String>,
    pub role: SectionRole,
    pub text: String,
}

/// What a heading says about the lines under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    /// The heading names a role ("Qualifications", "المزايا").
    Role(SectionRole),
    /// A heading about the job as a whole, an unknown heading, or no heading: each line is
    /// read by what it says.
    Content,
}

fn head_from_name(name: &str) -> Head {
    SectionRole::from_name(name).map_or(Head::Content, Head::Role)
}

/// A cue matches a folded word or its stem; `*` at the end makes it a prefix.
fn cue_hit(word: &str, key: &str, cue: &str) -> bool {
    match cue.strip_suffix('*') {
        Some(p) => word.starts_with(p) || key.starts_with(p),
        None => word == cue || key == cue,
    }
}

/// Folded words and their stems.
struct Words(Vec<(String, String)>);

impl Words {
    fn of(s: &str) -> Self {
        Self(tokenize(s).into_iter().map(|t| (t.folded, t.key)).collect())
    }
    fn count(&self, cues: &[&str]) -> usize {
        self.0
            .iter()
            .filter(|(w, k)| cues.iter().any(|c| cue_hit(w, k, c)))
            .count()
    }
    fn any(&self, cues: &[&str]) -> bool {
        self.count(cues) > 0
    }
}

/// The role a heading names: the known headings first, then the words it is made of
/// ("Your qualifications", "Perks & benefits", "مهارات مرغوبة").
fn known_role(s: &str) -> Option<Head> {
    let key = heading_key(s);
    if key.is_empty() {
        return None;
    }
    static KEYS: LazyLock<Vec<(String, &'static str)>> = LazyLock::new(|| {
        JOB_HEADINGS
            .iter()
            .flat_map(|(role, names)| names.iter().map(move |n| (heading_key(n), *role)))
            .collect()
    });
    if let Some((_, role)) = KEYS.iter().find(|(k, _)| *k == key) {
        return Some(head_from_name(role));
    }
    // "About Ledgerline", "About the team", "عن ..." — descriptive sections
    if (key.starts_with("about ") || key.starts_with("نبذه عن ") || key.starts_with("عن "))
        && word_count(&key) <= 5
    {
        return Some(Head::Role(SectionRole::About));
    }
    None
}

/// The role a heading's words suggest (for headings not in the dictionary).
fn cue_role(s: &str) -> Option<Head> {
    let key = heading_key(s);
    if key.is_empty() || word_count(&key) > 8 {
        return None;
    }
    if NICE_RE.is_match(&key) {
        return Some(Head::Role(SectionRole::Nice)); // "It would be great if you had"
    }
    let words = Words::of(&key);
    JOB_HEADING_CUES
        .iter()
        .find(|(_, cues)| words.any(cues))
        .map(|(role, _)| head_from_name(role))
}

/// A heading line: (what it says, inline content after a colon). `next_is_bullet`: the next
/// non-empty line is a bullet (a short line introducing bullets is a heading).
fn heading_of(line: &str, next_is_bullet: bool) -> Option<(Head, Option<String>)> {
    if bullet_content(line).is_some() && md_level(line) == 0 {
        return None;
    }
    let text = strip_md(line);
    if word_count(&text) <= 8
        && let Some(r) = known_role(&text)
    {
        return Some((r, None));
    }
    if let Some((head, rest)) = text.split_once([':', '：'])
        && word_count(head) <= 6
    {
        let rest = rest.trim();
        let role = known_role(head).or_else(|| {
            // "Experience: 3 years in retail" — but not "Position: Nurse" or "Location: X"
            cue_role(head).filter(|r| {
                rest.is_empty()
                    || (word_count(head) <= 3
                        && !matches!(r, Head::Content | Head::Role(SectionRole::About)))
            })
        });
        if let Some(r) = role {
            return Some((r, (!rest.is_empty()).then(|| rest.to_string())));
        }
    }
    // a heading by its form: markdown, ALL CAPS, bold, a trailing colon, or a short line
    // introducing bullets. Its words say what it is; otherwise the lines are read one by one.
    let trimmed = line.trim();
    let bold = (trimmed.starts_with("**") && trimmed.ends_with("**") && trimmed.len() > 4)
        || (trimmed.starts_with("__") && trimmed.ends_with("__") && trimmed.len() > 4);
    let colon = text.ends_with([':', '：']);
    let wc = word_count(&text);
    let short = wc <= 8 && !text.ends_with(['.', '!', '?', '؟']);
    let caps = is_all_caps(&text) && text.chars().any(char::is_alphabetic);
    let formish = md_level(line) > 0 || caps || bold || colon || (next_is_bullet && wc <= 6);
    if short && formish {
        let head = text.trim_end_matches([':', '：']);
        return Some((cue_role(head).unwrap_or(Head::Content), None));
    }
    None
}

const TITLE_LABELS: &[&str] = &[
    "job title",
    "title",
    "position",
    "role",
    "job",
    "المسمى الوظيفي",
    "الوظيفه",
    "المسمي الوظيفي",
    "المسمى",
    "اسم الوظيفه",
];
const COMPANY_LABELS: &[&str] = &[
    "company",
    "employer",
    "organisation",
    "organization",
    "hiring company",
    "الشركه",
    "اسم الشركه",
    "جهه العمل",
];
const LOCATION_LABELS: &[&str] = &[
    "location",
    "based in",
    "office",
    "work location",
    "job location",
    "الموقع",
    "المكان",
    "مكان العمل",
    "المدينه",
];

/// Value of a "Label: value" line when the label is one of `labels`.
fn labelled(line: &str, labels: &[&str]) -> Option<String> {
    let text = strip_md(bullet_content(line).unwrap_or(line));
    let (label, value) = text.split_once([':', '：'])?;
    let l = collapse_whitespace(&fold(label));
    let value = value.trim();
    (labels.iter().any(|x| fold(x) == l) && !value.is_empty()).then(|| value.to_string())
}

fn is_label_line(line: &str) -> bool {
    strip_md(line)
        .split_once([':', '：'])
        .is_some_and(|(l, _)| word_count(l) <= 4)
}

fn seniority_from_title(title: &str) -> Option<&'static str> {
    let f = fold(title);
    let words: Vec<&str> = f
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let has = |list: &[&str]| words.iter().any(|w| list.iter().any(|l| fold(l) == *w));
    if has(&["principal", "distinguished"]) {
        Some("principal")
    } else if has(&[
        "lead", "staff", "head", "manager", "director", "رئيس", "قائد", "مدير",
    ]) {
        Some("lead")
    } else if has(&[
        "senior",
        "sr",
        "iii",
        "أول",
        "أولى",
        "كبير",
        "كبيرة",
        "خبير",
    ]) {
        Some("senior")
    } else if has(&[
        "junior",
        "jr",
        "graduate",
        "entry",
        "intern",
        "trainee",
        "مبتدئ",
        "مبتدئة",
        "متدرب",
        "متدربة",
    ]) {
        Some("junior")
    } else if has(&["mid", "intermediate", "ii"]) {
        Some("mid")
    } else {
        None
    }
}

fn seniority_from_years(years: u32) -> &'static str {
    match years {
        0..=1 => "junior",
        2..=4 => "mid",
        _ => "senior",
    }
}

static NICE_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:a|an|big|huge|real|definite|is|are|as) (?:plus|bonus)\b|\bplus\W*$|\bnice to have\b|\bgood to have\b|\bgreat to have\b|\bwould be (?:great|nice|helpful)\b|\bbonus points\b|^bonus if\b|\b(?:a |big |huge )?bonus if you\b|\bis an asset\b|ميزه")
        .expect("static regex")
});
static MONEY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)[£$€]\s?\d|\d\s?(?:k\b|sar\b|aed\b|usd\b|eur\b|gbp\b|ريال|درهم|دينار|جنيه)|\bper (?:hour|year|month|annum)\b|/hour|/hr\b|/month|في الساعه|شهريا")
        .expect("static regex")
});
static ABOUT_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\bwe are\b|\bwe're\b|\bour (?:mission|company|clients|customers|story)\b|\bfounded\b|\bheadquartered\b|\bis a (?:leading|fast|growing|family)|^نحن |شركتنا|تاسست|تعد شركه|رائده")
        .expect("static regex")
});
static APPLY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:cv|resume|résumé|portfolio|cover letter)\b.*(?:@|\bto\b)|@\S+\.\w|السيره الذاتيه.*(?:@|الي|على)|واتساب|whatsapp")
        .expect("static regex")
});

static DUTY_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\byou will (?:be )?(?:\w+ing|design|build|own|lead|manage|work|help|support|run|create|develop|drive|take|plan|prepare|handle|report|serve|teach|care|sell|deliver)\b|\byou'll (?:\w+ing|design|build|own|lead|manage|work|help|support|run|create|develop|drive|take|plan|prepare|handle|report|serve|teach|care|sell|deliver)\b|\bresponsible for\b|ستقوم|ستتولي|ستكون مسؤول|سيكون مسؤول|مسؤول عن|مسؤوله عن")
        .expect("static regex")
});

/// What a line of an ad says about itself.
#[derive(Debug, Default)]
struct Cues {
    nice: bool,
    /// Years, a degree, an obligation or a proficiency level.
    req_strong: bool,
    req_soft: usize,
    /// Opens with a duty verb ("Manage …", "إعداد …").
    duty: bool,
    benefit: usize,
    apply: bool,
    about: bool,
}

/// Does this folded Arabic word read as a duty (a verbal noun such as إعداد / تطوير /
/// متابعة / استقبال, or a present-tense verb such as يقوم / ستتولى)?
fn arabic_duty(word: &str) -> bool {
    let w: &str = word;
    if DUTY_WORDS_AR.contains(&w) {
        return true;
    }
    let w = w
        .strip_prefix("و")
        .filter(|r| r.chars().count() >= 3)
        .unwrap_or(w);
    if DUTY_WORDS_AR.contains(&w) {
        return true;
    }
    let c: Vec<char> = w.chars().collect();
    if c.len() >= 4 && (c[0] == 'س' && (c[1] == 'ي' || c[1] == 'ت')) {
        return true;
    }
    if c.len() >= 4 && c[0] == 'ي' {
        return true;
    }
    let c: Vec<char> = match w.strip_prefix("ال") {
        Some(r) if r.chars().count() >= 4 => r.chars().collect(),
        _ => c,
    };
    let n = c.len();
    if !(4..=7).contains(&n) {
        return false;
    }
    (c[0] == 'ا' && c[3] == 'ا') // إفعال: إعداد، إدارة، إطلاق
        || (c[0] == 'ت' && n >= 5 && c[3] == 'ي') // تفعيل: تطوير، تنفيذ، تحليل
        || (c[0] == 'م' && c[2] == 'ا' && n >= 5 && c[n - 1] == 'ه') // مفاعلة: متابعة، مراجعة
        || (c[0] == 'ا' && c[1] == 'س' && c[2] == 'ت') // استفعال: استقبال
        || (c[0] == 'ت' && c[2] == 'ا' && n >= 5) // تفاعل: التواصل، التعامل
}

/// Does this line open with a duty verb?
fn opens_with_duty(words: &Words) -> bool {
    let mut it = words.0.iter().map(|(w, _)| w.as_str()).peekable();
    // "You will …", "You'll …", "Will …", "To …"
    while let Some(&w) = it.peek() {
        if matches!(
            w,
            "you" | "will" | "you'll" | "ll" | "to" | "and" | "also" | "help"
        ) {
            it.next();
        } else {
            break;
        }
    }
    let Some(first) = it.next() else {
        return false;
    };
    // "Experience …", "إتقان …", "خبرة …" open requirements, not duties
    let key = words
        .0
        .iter()
        .find(|(w, _)| w == first)
        .map_or("", |(_, k)| k.as_str());
    if REQUIREMENT_CUES.iter().any(|c| cue_hit(first, key, c)) {
        return false;
    }
    if first.chars().any(crate::fold::is_arabic) {
        return arabic_duty(first);
    }
    if !first.chars().all(|c| c.is_ascii_alphabetic()) {
        return false;
    }
    let st = stem_en(first);
    DUTY_VERBS
        .iter()
        .any(|v| st == *v || (v.len() >= 5 && first.starts_with(v)))
}

fn cues(s: &str) -> Cues {
    let f = fold(s);
    let words = Words::of(s);
    let strong_words = [
        "must",
        "required",
        "mandatory",
        "proficien*",
        "fluen*",
        "يجب",
        "مطلوب*",
        "اجاد*",
        "اتقان",
        "طلاق*",
        "ملم*",
        "حاصل*",
        "licen*",
    ];
    let duty = opens_with_duty(&words) || DUTY_RE.is_match(&f);
    let req_soft = words.count(REQUIREMENT_CUES);
    // "5+ years of experience", "3 years in retail" — not "over the next two years"
    let years = required_years(s).is_some()
        && (req_soft > 0 || f.trim_start().starts_with(|c: char| c.is_ascii_digit()));
    let req_strong = years || DEGREE_WORD_RE.is_match(&f) || (words.any(&strong_words) && !duty);
    let nice_phrase = NICE_RE.is_match(&f);
    let benefit = words.count(BENEFIT_CUES) + usize::from(MONEY_RE.is_match(&f));
    Cues {
        nice: nice_phrase || (words.any(NICE_CUES) && benefit == 0),
        req_strong,
        req_soft,
        duty,
        benefit: if nice_phrase { 0 } else { benefit },
        apply: APPLY_RE.is_match(&f) || words.any(APPLY_CUES) && !duty,
        about: ABOUT_RE.is_match(&f),
    }
}

/// The role a line has by what it says, when it says enough.
fn content_role(c: &Cues) -> Option<SectionRole> {
    use SectionRole as R;
    if c.nice {
        return Some(R::Nice);
    }
    if c.req_strong && !c.duty {
        return Some(R::Requirements);
    }
    if c.apply {
        return Some(R::Apply);
    }
    if c.duty && !c.req_strong {
        return Some(R::Responsibilities);
    }
    if c.benefit > c.req_soft {
        return Some(R::Benefits);
    }
    if c.about && !c.req_strong {
        return Some(R::About);
    }
    if c.req_strong || c.req_soft > 0 {
        return Some(R::Requirements);
    }
    None
}

/// Role of a line under a heading: the heading decides, the content corrects ("… is a
/// plus" under Requirements is a nice-to-have; "3+ years of …" under a duties heading is a
/// requirement). `None`: undecided (the block's majority decides).
fn assign(head: Head, text: &str) -> Option<SectionRole> {
    use SectionRole as R;
    let c = cues(text);
    let by_content = content_role(&c);
    match head {
        Head::Role(R::Requirements) => Some(if c.nice && !c.req_strong {
            R::Nice
        } else {
            R::Requirements
        }),
        Head::Role(R::Nice) => Some(R::Nice),
        Head::Role(R::Responsibilities) => Some(match by_content {
            Some(R::Nice) => R::Nice,
            Some(R::Requirements) if c.req_strong && !c.duty => R::Requirements,
            _ => R::Responsibilities,
        }),
        Head::Role(R::About) => Some(match by_content {
            Some(r @ (R::Requirements | R::Nice)) if c.req_strong || c.nice => r,
            Some(R::Responsibilities) => R::Responsibilities,
            _ => R::About,
        }),
        Head::Role(R::Benefits) if c.apply => Some(R::Apply),
        Head::Role(r) => Some(r),
        Head::Content => by_content,
    }
}

/// Split a paragraph into requirement-sized items (sentences of 3+ words).
fn sentences(s: &str) -> Vec<String> {
    sentence_spans(s)
        .into_iter()
        .map(|(a, b)| s[a..b].trim().to_string())
        .filter(|x| word_count(x) >= 2)
        .collect()
}

fn company_candidate(line: &str, rest_of_text: &str) -> Option<String> {
    // "Ledgerline Payments · Remote · 2 weeks ago" (copied from a job board): the first part
    let full = strip_md(line);
    let board_meta = [" · ", " | ", " • "].iter().any(|sep| full.contains(sep));
    let t = [" · ", " | ", " • ", " - "].iter().fold(full, |acc, sep| {
        acc.split(sep).next().unwrap_or("").trim().to_string()
    });
    let wc = word_count(&t);
    if wc == 0 || wc > 7 || t.contains([':', '：']) || t.ends_with('.') || known_role(&t).is_some()
    {
        return None;
    }
    let first = t.split_whitespace().next().unwrap_or_default();
    let repeated = first.chars().count() >= 3 && rest_of_text.contains(first);
    (any_word_in(&t, COMPANY_WORDS) || repeated || board_meta).then_some(t)
}

/// Parse a job description (already NFKC-normalised). Never panics.
pub fn parse_job(text: &str, lang_hint: Option<&str>) -> ParsedJob {
    parse_with_items(text, lang_hint).0
}

/// Every requirement-sized line of a job ad after its title, with its section role (for
/// inspection and evaluation; [`parse_job`] builds its lists from the same pass).
pub fn job_items(text: &str) -> Vec<JobItem> {
    parse_with_items(text, None).1
}

fn parse_with_items(text: &str, lang_hint: Option<&str>) -> (ParsedJob, Vec<JobItem>) {
    let text = &*crate::textutil::strip_invisible(text);
    let all = lines(text);
    let language = lang_from_hint(lang_hint)
        .unwrap_or_else(|| detect_lang(text))
        .to_string();
    let mut job = ParsedJob {
        language,
        ..ParsedJob::default()
    };

    for l in &all {
        if job.title.is_none() {
            job.title = labelled(l, TITLE_LABELS);
        }
        if job.company.is_none() {
            job.company = labelled(l, COMPANY_LABELS);
        }
        if job.location.is_none() {
            job.location = labelled(l, LOCATION_LABELS);
        }
    }
    let content: Vec<(usize, &str)> = all
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    // title: the first short line that is not a label or a section heading ("About the
    // job", "Job description" and similar are skipped)
    let mut title_at = None;
    if job.title.is_none() {
        for (k, (_, line)) in content.iter().enumerate().take(6) {
            let t = strip_md(line);
            let heading = heading_of(line, false).is_some_and(|(r, _)| {
                !(r == Head::Content && md_level(line) > 0 && known_role(&t).is_none())
            });
            if is_label_line(line) || heading {
                continue;
            }
            if word_count(&t) <= 14 && !t.ends_with('.') {
                let (title, company) = split_title_company(&t);
                job.title = Some(title);
                if job.company.is_none() {
                    job.company = company;
                }
                title_at = Some(k);
            }
            break;
        }
    }
    if job.company.is_none()
        && let Some((i, second)) = content.get(title_at.map_or(1, |k| k + 1))
    {
        let rest = all.get(i + 1..).map(|r| r.join("\n")).unwrap_or_default();
        job.company = company_candidate(second, &rest);
    }
    if job.company.is_none() {
        job.company = all.iter().find_map(|l| {
            let t = strip_md(l);
            let rest = t
                .strip_prefix("About ")
                .or_else(|| t.strip_prefix("about "))?;
            let generic = [
                "us",
                "the role",
                "the company",
                "the team",
                "you",
                "the job",
                "the position",
                "this role",
            ];
            (!generic.contains(&rest.to_lowercase().as_str())
                && word_count(rest) <= 5
                && !rest.ends_with('.'))
            .then(|| rest.trim_end_matches(':').to_string())
        });
    }

    // sections
    let start = title_at
        .and_then(|k| content.get(k))
        .map_or(0, |(i, _)| i + 1);
    let items = classify_lines(&all, start);
    for it in &items {
        let list = match it.role {
            SectionRole::Responsibilities => &mut job.responsibilities,
            SectionRole::Requirements => &mut job.must_have,
            SectionRole::Nice => &mut job.nice_to_have,
            _ => continue,
        };
        list.push(it.text.clone());
    }

    job.seniority = job
        .title
        .as_deref()
        .and_then(seniority_from_title)
        .or_else(|| {
            job.must_have
                .iter()
                .find_map(|r| required_years(r))
                .map(seniority_from_years)
        })
        .map(str::to_string);
    job.keywords = extract_keywords(&job);
    (job, items)
}

/// Classify lines `start..` of an ad: headings set the block, each bullet / sentence gets a
/// role from its heading and what it says; lines nothing decides take the majority role of
/// their block; a posting with requirement-like lines never ends with zero requirements.
fn classify_lines(all: &[&str], start: usize) -> Vec<JobItem> {
    use SectionRole as R;
    let mut out: Vec<JobItem> = Vec::new();
    let mut undecided: Vec<(usize, usize)> = Vec::new(); // (item, block)
    let mut head = Head::Content;
    let mut heading: Option<String> = None;
    let mut block = 0usize;
    let mut block_of: Vec<usize> = Vec::new();
    let nonempty: Vec<usize> = (start..all.len())
        .filter(|&i| !all[i].trim().is_empty())
        .collect();
    for (k, &i) in nonempty.iter().enumerate() {
        let l = all[i];
        if crate::textutil::is_rule(l) {
            continue;
        }
        let next_is_bullet = nonempty
            .get(k + 1)
            .is_some_and(|&j| bullet_content(all[j]).is_some());
        if let Some((h, inline)) = heading_of(l, next_is_bullet) {
            head = h;
            heading = Some(strip_md(l).trim_end_matches([':', '：']).trim().to_string());
            block += 1;
            if let Some(x) = inline {
                for p in split_items(&x) {
                    let line = Line {
                        head,
                        heading: &heading,
                        block,
                        bullet: false,
                    };
                    push_line(&mut out, &mut undecided, &mut block_of, line, p);
                }
            }
            continue;
        }
        let item = bullet_content(l)
            .map(strip_md)
            .unwrap_or_else(|| strip_md(l));
        let parts = if bullet_content(l).is_some() {
            split_mixed(&item)
        } else {
            split_items(&item)
        };
        let bullet = bullet_content(l).is_some();
        for p in parts {
            let line = Line {
                head,
                heading: &heading,
                block,
                bullet,
            };
            push_line(&mut out, &mut undecided, &mut block_of, line, p);
        }
    }
    // undecided lines under a heading take the majority list role of their block
    for (i, b) in undecided.into_iter().filter(|&(_, b)| b > 0) {
        const ROLES: [SectionRole; 5] = [
            R::Responsibilities,
            R::Requirements,
            R::Nice,
            R::Benefits,
            R::Apply,
        ];
        let mut counts = [0usize; 5];
        for (j, it) in out.iter().enumerate() {
            if block_of[j] == b
                && let Some(k) = ROLES.iter().position(|r| *r == it.role)
            {
                counts[k] += 1;
            }
        }
        let best = counts.iter().enumerate().max_by_key(|(k, c)| (**c, 5 - k));
        if let Some((k, &c)) = best
            && c > 0
        {
            out[i].role = ROLES[k];
        }
    }
    // never zero requirements when lines say what a candidate must have
    if !out.iter().any(|it| it.role == R::Requirements) {
        for it in &mut out {
            if matches!(it.role, R::Responsibilities | R::Other | R::About) {
                let c = cues(&it.text);
                if !c.duty && (c.req_strong || c.req_soft >= 1) && !c.about {
                    it.role = R::Requirements;
                }
            }
        }
    }
    out
}

/// "Fluent English; a second language is an advantage." — a bullet whose clauses are a
/// requirement and a nice-to-have is two lines; any other bullet stays whole.
fn split_mixed(bullet: &str) -> Vec<String> {
    let parts = sentences(bullet);
    if parts.len() == 2 {
        let (a, b) = (cues(&parts[0]), cues(&parts[1]));
        if a.nice != b.nice && (a.req_strong || b.req_strong) {
            return parts;
        }
    }
    vec![bullet.to_string()]
}

fn split_items(paragraph: &str) -> Vec<String> {
    let parts = sentences(paragraph);
    if parts.is_empty() && word_count(paragraph) >= 1 {
        vec![paragraph.trim().to_string()]
    } else {
        parts
    }
}

/// Where a line sits: its block's heading and whether it is a bullet.
#[derive(Clone, Copy)]
struct Line<'a> {
    head: Head,
    heading: &'a Option<String>,
    block: usize,
    bullet: bool,
}

fn push_line(
    out: &mut Vec<JobItem>,
    undecided: &mut Vec<(usize, usize)>,
    block_of: &mut Vec<usize>,
    line: Line<'_>,
    text: String,
) {
    if text.trim().is_empty() {
        return;
    }
    let mut role = assign(line.head, &text);
    // prose under "About the role" / "About us" describes the job; its duties are listed
    // elsewhere (an ad with no headings at all keeps its duty sentences)
    let descriptive = matches!(line.head, Head::Content | Head::Role(SectionRole::About));
    if !line.bullet && line.block > 0 && role == Some(SectionRole::Responsibilities) && descriptive
    {
        role = Some(SectionRole::About);
    }
    // prose that only mentions skill words ("supported by a certified nursing assistant") is
    // description; a requirement in prose states years, a degree or an obligation
    if !line.bullet
        && descriptive
        && role == Some(SectionRole::Requirements)
        && !cues(&text).req_strong
    {
        role = Some(SectionRole::About);
    }
    // "Schedule: nights", "Employment type: Full-time" before any heading: facts, not duties
    if line.block == 0 && is_label_line(&text) && role == Some(SectionRole::Responsibilities) {
        role = Some(SectionRole::Other);
    }
    if role.is_none() && line.bullet {
        undecided.push((out.len(), line.block));
    }
    block_of.push(line.block);
    out.push(JobItem {
        heading: line.heading.clone(),
        role: role.unwrap_or(SectionRole::Other),
        text,
    });
}

/// "Senior Engineer at Acme" / "Senior Engineer | Acme" → (title, company).
fn split_title_company(t: &str) -> (String, Option<String>) {
    for sep in [" at ", " @ ", " | ", " لدى ", " - ", " — "] {
        if let Some((a, b)) = t.split_once(sep) {
            let (a, b) = (a.trim(), b.trim());
            let b_is_company = any_word_in(b, COMPANY_WORDS) || (sep != " - " && sep != " — ");
            if !a.is_empty()
                && !b.is_empty()
                && any_word_in(a, ROLE_WORDS)
                && b_is_company
                && !any_word_in(b, ROLE_WORDS)
            {
                return (a.to_string(), Some(b.to_string()));
            }
        }
    }
    (t.to_string(), None)
}

static SKILL_AFTER_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:experience|background|knowledge|expertise|degree|diploma|proficiency|skills?|training|certificate|certification)\s+(?:in|with|of)\s+([A-Za-z][A-Za-z -]{2,50})")
        .expect("static regex")
});
static SKILL_BEFORE_EN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z][a-z-]{2,}(?: [a-z][a-z-]{2,})?)\s+experience\b")
        .expect("static regex")
});
static SKILL_AFTER_AR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:خبر[ةه]|معرف[ةه]|إلمام|الإلمام|إجاد[ةه]|إتقان|بكالوريوس|دبلوم|شهاد[ةه]|مهار[ةه]|مهارات)\s+(?:[^\s،,.;()]+\s+){0,5}?(?:في|ب|بـ)\s+([^\s،,.;():]+(?:\s+[^\s،,.;():]+){0,3})")
        .expect("static regex")
});

/// Words that qualify experience without naming a skill ("relevant experience").
#[rustfmt::skip]
const EXPERIENCE_ADJ: &[&str] = &[
    "professional", "relevant", "proven", "hands-on", "previous", "prior", "solid", "strong",
    "good", "excellent", "demonstrated", "practical", "similar", "related", "verifiable", "work",
    "working", "industry", "production", "minimum", "total", "overall", "combined", "direct",
    "the", "of", "your", "some", "any", "years", "year", "months", "with", "and", "or", "in",
    "plus", "more", "least", "extensive", "significant", "recent", "real", "commercial", "full-time",
];

/// Domain phrases a requirement names as its object: "experience in highway or drainage
/// design" → "highway", "drainage design"; "3 years of warehouse experience" → "warehouse";
/// "خبرة 3 سنوات في المشاريع الإنشائية" → "المشاريع الإنشائية". Byte spans are in `line`.
fn skill_phrases(line: &str) -> Vec<crate::terms::Extra> {
    let mut out = Vec::new();
    let mut push = |start: usize, text: &str| {
        let t = text.trim();
        let f = fold(t);
        let generic = f.split(' ').any(|w| {
            matches!(
                w,
                "related"
                    | "similar"
                    | "equivalent"
                    | "relevant"
                    | "field"
                    | "subject"
                    | "area"
                    | "العمل"
                    | "المجال"
                    | "مجال"
                    | "السعوديه"
                    | "المملكه"
            )
        });
        if t.chars().filter(|c| c.is_alphabetic()).count() < 3 || is_stop(&f) || generic {
            return;
        }
        let off = text.find(t).unwrap_or(0);
        out.push(crate::terms::Extra {
            text: t.to_string(),
            start: start + off,
            end: start + off + t.len(),
        });
    };
    for c in SKILL_AFTER_EN.captures_iter(line) {
        let Some(m) = c.get(1) else { continue };
        // stop at the first word that ends the noun phrase
        let mut end = m.start();
        for (words, w) in m.as_str().split(' ').enumerate() {
            let f = fold(w);
            if f.is_empty()
                || words >= 3
                || matches!(
                    f.as_str(),
                    "and"
                        | "or"
                        | "to"
                        | "for"
                        | "in"
                        | "at"
                        | "on"
                        | "with"
                        | "from"
                        | "including"
                        | "such"
                        | "is"
                        | "are"
                        | "as"
                        | "using"
                        | "who"
                        | "that"
                )
            {
                break;
            }
            end += w.len() + usize::from(words > 0);
        }
        let mut start = m.start();
        let mut piece = &line[start..end.min(line.len())];
        for a in ["a ", "an ", "the "] {
            if let Some(r) = piece.strip_prefix(a) {
                start += a.len();
                piece = r;
            }
        }
        push(start, piece);
        // "in highway or drainage design": the alternative after "or"
        let rest = &line[end.min(line.len())..];
        if let Some(r) = rest.strip_prefix(" or ") {
            let alt: String = r
                .split([',', '.', ';', '('])
                .next()
                .unwrap_or("")
                .split(' ')
                .take(3)
                .collect::<Vec<_>>()
                .join(" ");
            if alt.chars().next().is_some_and(|c| c.is_ascii_lowercase()) {
                push(end + 4, &alt);
            }
        }
    }
    for c in SKILL_BEFORE_EN.captures_iter(line) {
        let Some(m) = c.get(1) else { continue };
        let words: Vec<&str> = m.as_str().split(' ').collect();
        let keep: Vec<&str> = words
            .iter()
            .copied()
            .skip_while(|w| EXPERIENCE_ADJ.contains(&fold(w).as_str()))
            .collect();
        if keep.is_empty()
            || keep
                .iter()
                .any(|w| EXPERIENCE_ADJ.contains(&fold(w).as_str()))
        {
            continue;
        }
        let text = keep.join(" ");
        let start = m.end() - text.len();
        push(start, &text);
    }
    for c in SKILL_AFTER_AR.captures_iter(line) {
        let Some(m) = c.get(1) else { continue };
        // a noun phrase: a head word, an idafa second word, then definite ("ال…") words
        let mut len = 0;
        for (k, w) in m.as_str().split(' ').enumerate() {
            let f = fold(w);
            let definite = f.starts_with("ال");
            let latin = w.chars().any(|c| c.is_ascii_alphabetic());
            let stop = is_stop(&f) || matches!(f.as_str(), "منها" | "مجال" | "او" | "و");
            if latin && k == 1 {
                len = 0; // "صيانة أنظمة VRF": the phrase is the Latin name's, not a skill
                break;
            }
            if latin || stop || f.chars().any(|c| c.is_ascii_digit()) {
                break;
            }
            let prev_definite = k > 0
                && m.as_str()
                    .split(' ')
                    .nth(k - 1)
                    .is_some_and(|p| fold(p).starts_with("ال"));
            if k == 0 || definite || (k == 1 && !prev_definite) {
                len += w.len() + usize::from(k > 0);
            } else {
                break;
            }
        }
        if len > 0 {
            push(m.start(), &line[m.start()..m.start() + len]);
        }
    }
    out
}

/// Skill/tool names and domain terms from the requirements (must-have first, then nice to
/// have, then responsibilities), deduplicated case-insensitively: dictionary terms (shown
/// by their canonical name when the ad writes it so, else as the ad writes them), then
/// acronyms and product names the dictionary does not know. Every keyword is said by the
/// ad; the job's own title, company and location are not keywords.
fn extract_keywords(job: &ParsedJob) -> Vec<String> {
    let own: Vec<String> = [&job.title, &job.company, &job.location]
        .into_iter()
        .flatten()
        .map(|s| collapse_whitespace(&fold(s)))
        .collect();
    let mut out: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut seen_terms: Vec<usize> = Vec::new();
    let mut add = |name: String, generic: bool| {
        let k = collapse_whitespace(&fold(&name));
        if k.is_empty() || is_stop(&k) || seen.contains(&k) {
            return;
        }
        if generic && own.iter().any(|o| o == &k || o.split(' ').any(|w| w == k)) {
            return;
        }
        seen.push(k);
        out.push(name);
    };
    for line in job
        .must_have
        .iter()
        .chain(&job.nice_to_have)
        .chain(&job.responsibilities)
    {
        let toks = tokenize(line);
        let hits = find_terms(line, &toks);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for h in &hits {
            let (Some(a), Some(b)) = (toks.get(h.start), toks.get(h.end.saturating_sub(1))) else {
                continue;
            };
            spans.push((a.start, b.end));
            if seen_terms.contains(&h.term) {
                continue;
            }
            seen_terms.push(h.term);
            let shown = display(h.term, &job.language);
            let said = fold(line).contains(&fold(&shown));
            let surface = &line[a.start..b.end];
            // "ومراجعة" → "مراجعة": the conjunction is not part of the term
            let surface = surface
                .strip_prefix('و')
                .filter(|r| r.chars().count() >= 3 && crate::fold::contains_phrase(&toks, r))
                .unwrap_or(surface);
            add(if said { shown } else { surface.to_string() }, false);
        }
        let mut extras = find_extras(line);
        if !job.responsibilities.contains(line) {
            extras.extend(skill_phrases(line));
        }
        for n in find_names(line) {
            if !extras.iter().any(|e| e.start < n.end && n.start < e.end) {
                extras.push(n);
            } else if let Some(e) = extras
                .iter_mut()
                .find(|e| e.start >= n.start && e.end <= n.end && e.end - e.start < n.end - n.start)
            {
                // "Google Tag Manager" over "GTM"-style pieces: the longer name
                *e = n;
            }
        }
        extras.sort_by_key(|e| e.start);
        for e in extras {
            if spans.iter().any(|&(a, b)| e.start < b && a < e.end) {
                continue;
            }
            add(e.text, true);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_labels() {
        let j = parse_job(
            "Job title: Data Engineer\nCompany: Acme Corp\nLocation: Berlin\n\nRequirements: 3+ years with Python. Airflow experience.\nBonus: dbt",
            None,
        );
        assert_eq!(j.title.as_deref(), Some("Data Engineer"));
        assert_eq!(j.company.as_deref(), Some("Acme Corp"));
        assert_eq!(j.location.as_deref(), Some("Berlin"));
        assert_eq!(
            j.must_have,
            ["3+ years with Python.", "Airflow experience."]
        );
        assert_eq!(j.nice_to_have, ["dbt"]);
        assert_eq!(j.seniority.as_deref(), Some("mid"));
        assert!(j.keywords.contains(&"Python".to_string()));
    }

    #[test]
    fn title_at_company() {
        let j = parse_job(
            "Senior Rust Engineer at Ferrous Systems\n\nWhat we're looking for\n- Rust\n- Kubernetes (K8s)",
            None,
        );
        assert_eq!(j.title.as_deref(), Some("Senior Rust Engineer"));
        assert_eq!(j.company.as_deref(), Some("Ferrous Systems"));
        assert_eq!(j.seniority.as_deref(), Some("senior"));
        assert_eq!(j.keywords, ["Rust", "Kubernetes"]);
    }

    #[test]
    fn no_headings() {
        let j = parse_job(
            "We need someone.\n- 5 years of experience with Java\n- Fun team",
            None,
        );
        assert_eq!(j.must_have, ["5 years of experience with Java"]);
    }

    fn roles(text: &str) -> Vec<(&'static str, String)> {
        job_items(text)
            .into_iter()
            .map(|it| (it.role.as_str(), it.text))
            .collect()
    }

    #[test]
    fn headings_by_their_words() {
        // none of these headings is in the dictionary as written
        let j = parse_job(
            "Store Lead\n\nYour Day-to-Day Mission:\n- Open the store and count the till\n\nSkills We Need From You:\n- 2 years of retail experience\n\nReally Nice Extras:\n- Forklift ticket\n\nOur Perks:\n- Staff discount",
            None,
        );
        assert_eq!(j.responsibilities, ["Open the store and count the till"]);
        assert_eq!(j.must_have, ["2 years of retail experience"]);
        assert_eq!(j.nice_to_have, ["Forklift ticket"]);
    }

    #[test]
    fn arabic_headings_with_colons() {
        let j = parse_job(
            "أخصائي تسويق رقمي\n\nماذا ستفعل:\n• إدارة حملات Google Ads\n\nما نبحث عنه:\n• خبرة لا تقل عن 3 سنوات في التسويق الرقمي\n• إجادة GA4\n\nمهارات مرغوبة:\n• معرفة بـ Figma\n\nما نقدمه:\n• تأمين طبي",
            None,
        );
        assert_eq!(j.responsibilities, ["إدارة حملات Google Ads"]);
        assert_eq!(j.must_have.len(), 2);
        assert_eq!(j.nice_to_have, ["معرفة بـ Figma"]);
        for k in ["Google Ads", "GA4", "Figma"] {
            assert!(j.keywords.iter().any(|x| x == k), "{k}: {:?}", j.keywords);
        }
    }

    #[test]
    fn unknown_heading_lines_read_by_content() {
        let r = roles(
            "Driver\n\nTHE STUFF:\n- Deliver parcels on a set route\n- Valid driving licence and 2 years of van experience\n- A second language is a plus\n- Competitive pay and paid holidays\n- Send your CV to jobs@example.com",
        );
        let got: Vec<&str> = r.iter().map(|(role, _)| *role).collect();
        assert_eq!(
            got,
            [
                "responsibilities",
                "requirements",
                "nice",
                "benefits",
                "apply"
            ]
        );
    }

    #[test]
    fn requirement_lines_under_a_duties_heading_are_requirements() {
        let j = parse_job(
            "Nurse\n\nDuties\n- Care for patients on the ward\n- 3 years of acute-care experience\n- Bachelor's degree in Nursing",
            None,
        );
        assert_eq!(j.responsibilities, ["Care for patients on the ward"]);
        assert_eq!(j.must_have.len(), 2);
    }

    #[test]
    fn requirement_like_lines_never_leave_zero_requirements() {
        let j = parse_job(
            "Cook\n\nWhat you'll do\n- Prepare breakfast for 80 guests\n- Food hygiene certificate\n- Good knowledge of Levantine cuisine",
            None,
        );
        assert!(!j.must_have.is_empty(), "{j:?}");
    }

    #[test]
    fn keywords_are_said_by_the_ad() {
        let text = "Marketing Specialist\n\nRequirements\n- 3 years running Google Ads and Meta Ads campaigns\n- Reporting in GA4 and Google Tag Manager, Power BI\n- Shopify or Salla stores\n- C# or Node.js is not needed";
        let j = parse_job(text, None);
        for k in [
            "Google Ads",
            "Meta Ads",
            "GA4",
            "Google Tag Manager",
            "Power BI",
            "Salla",
            "C#",
            "Node.js",
        ] {
            assert!(j.keywords.iter().any(|x| x == k), "{k}: {:?}", j.keywords);
        }
        let f = fold(text);
        for k in &j.keywords {
            assert!(f.contains(&fold(k)), "{k} is not in the ad");
        }
    }
}
