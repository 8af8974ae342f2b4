use crate::common::*;
use text::html::{extract_plain, extract_posting};
use url::Url;

#[test]
fn ledgerline_fixture_from_file() {
    let html = fixture_string(LEDGERLINE_HTML);
    let base = Url::parse("https://ledgerline.example.com/careers/jobs/4821").unwrap();
    let e = extract_posting(&html, Some(&base));
    assert_ledgerline(&e);
}

#[test]
fn ledgerline_fixture_without_json_ld_still_finds_title_and_company() {
    let html = fixture_string(LEDGERLINE_HTML);
    let start = html.find("<script type=\"application/ld+json\">").unwrap();
    let end = start + html[start..].find("</script>").unwrap() + "</script>".len();
    let stripped = format!("{}{}", &html[..start], &html[end..]);
    let e = extract_posting(&stripped, None);
    // Same text; title from <h1>, company from the element classed "...company".
    assert_ledgerline(&e);
}

#[test]
fn ledgerline_fixture_without_article_or_main_uses_readability() {
    let html = fixture_string(LEDGERLINE_HTML)
        .replace("<article", "<div")
        .replace("</article>", "</div>")
        .replace("<main", "<div")
        .replace("</main>", "</div>");
    assert!(!html.contains("<article") && !html.contains("<main"));
    let e = extract_posting(&html, None);
    assert_ledgerline(&e);
}

const SIDEBAR_PAGE: &str = r#"<!doctype html>
<html><head><title>Platform Engineer - Remote | Northwind Careers</title></head>
<body class="page has-sidebar">
  <div id="cookie-notice" class="notice"><p>This site uses cookies, and by continuing, you agree, accept and consent to everything, honestly.</p></div>
  <div class="top-menu"><a href="/">Home</a> <a href="/jobs">Jobs</a> <a href="/about">About us</a></div>
  <div class="wrapper">
    <div class="col-left">
      <div class="widget"><h3>Departments</h3>
        <p><a href="/d/1">Engineering</a>, <a href="/d/2">Sales</a>, <a href="/d/3">Marketing</a>, <a href="/d/4">Finance</a></p></div>
      <div class="widget"><h3>Latest news</h3>
        <p>Northwind opened a new office in Lisbon, and we are growing fast, hiring across teams, in every region.</p></div>
    </div>
    <div class="col-main">
      <h1>Platform Engineer</h1>
      <div class="job-description">
        <p>We are looking for a Platform Engineer to build and run the internal platform, the CI pipelines, and the Kubernetes clusters our developers use every day.</p>
        <p><strong>What you will do:</strong></p>
        <ul>
          <li>Operate Kubernetes clusters on AWS, including upgrades, capacity planning, and cost control.</li>
          <li>Write Terraform modules, review changes, and keep environments reproducible.</li>
          <li>Improve CI/CD pipelines so that a merge reaches production in under fifteen minutes.</li>
        </ul>
        <p><strong>What we are looking for:</strong></p>
        <ul>
          <li>Four or more years in infrastructure, SRE, or platform roles, ideally at a SaaS company.</li>
          <li>Strong Linux, networking, and scripting skills (Go, Python, or Bash).</li>
        </ul>
        <p>Salary: EUR 70,000&ndash;85,000, plus stock options &amp; a learning budget.</p>
      </div>
    </div>
    <div class="col-right">
      <div class="related-jobs"><h3>Similar jobs</h3>
        <p><a href="/j/1">Site Reliability Engineer</a>, <a href="/j/2">DevOps Engineer</a>, <a href="/j/3">Cloud Engineer</a></p></div>
      <div class="share-buttons"><p>Share this job on LinkedIn, Twitter, Facebook, or by e-mail with a friend.</p></div>
    </div>
  </div>
  <div class="site-footer"><p>Copyright Northwind Ltd, all rights reserved, registered in England and Wales.</p></div>
</body></html>"#;

#[test]
fn readability_picks_the_job_description_block() {
    let e = extract_posting(SIDEBAR_PAGE, None);
    assert_eq!(e.title.as_deref(), Some("Platform Engineer"));
    assert_eq!(e.company.as_deref(), Some("Northwind"));
    let text = &e.text;
    // The column holding the <h1> and the description block wins over the block alone.
    assert!(
        text.starts_with("Platform Engineer\nWe are looking for a Platform Engineer"),
        "{text}"
    );
    assert!(text.contains(
        "What you will do:\n\n- Operate Kubernetes clusters on AWS, including upgrades, capacity planning, and cost control.\n- Write Terraform"
    ));
    assert!(text.ends_with("Salary: EUR 70,000–85,000, plus stock options & a learning budget."));
    for bad in [
        "cookies",
        "Departments",
        "Lisbon",
        "Similar jobs",
        "Share this job",
        "Copyright",
        "Home",
    ] {
        assert!(!text.contains(bad), "{bad:?} in {text}");
    }
}

#[test]
fn readability_joins_sibling_sections() {
    let para =
        |s: &str| format!("<p>{s}, with enough words, commas, and detail to score well.</p>");
    let html = format!(
        r#"<html><body><div class="nav-links"><a href="/">Home</a></div>
        <div id="content">
          <div class="intro">{}{}</div>
          <div class="duties">{}{}</div>
          <div class="requirements">{}{}</div>
        </div>
        <div class="footer-links"><p><a href="/privacy">Privacy policy and terms of use for everyone</a></p></div>
        </body></html>"#,
        para("Intro one"),
        para("Intro two"),
        para("Duty one"),
        para("Duty two"),
        para("Requirement one"),
        para("Requirement two")
    );
    let e = extract_posting(&html, None);
    for needle in ["Intro one", "Duty two", "Requirement two"] {
        assert!(e.text.contains(needle), "{needle} missing: {}", e.text);
    }
    assert!(!e.text.contains("Privacy"));
    assert!(!e.text.contains("Home"));
}

#[test]
fn json_ld_only_page_uses_the_description() {
    let html = r#"<!doctype html><html><head>
    <title>Loading…</title>
    <script type="application/ld+json">
    {"@context":"https://schema.org","@graph":[
      {"@type":"WebSite","name":"Careers"},
      {"@type":["JobPosting"],
       "title":"Data Analyst, Rider Growth",
       "hiringOrganization":{"@type":"Organization","name":"Coastline Mobility"},
       "description":"&lt;p&gt;Coastline Mobility is hiring a &lt;strong&gt;Data Analyst&lt;/strong&gt;.&lt;/p&gt;&lt;h3&gt;Requirements&lt;/h3&gt;&lt;ul&gt;&lt;li&gt;SQL &amp;amp; Python&lt;/li&gt;&lt;li&gt;A/B testing&lt;/li&gt;&lt;/ul&gt;"}
    ]}
    </script></head>
    <body><div id="root"></div><noscript>You need to enable JavaScript to run this app.</noscript>
    <script src="/static/app.js"></script></body></html>"#;
    let e = extract_posting(html, None);
    assert_eq!(e.title.as_deref(), Some("Data Analyst, Rider Growth"));
    assert_eq!(e.company.as_deref(), Some("Coastline Mobility"));
    assert_eq!(
        e.text,
        "Data Analyst, Rider Growth\nCoastline Mobility is hiring a Data Analyst.\n\nRequirements\n- SQL & Python\n- A/B testing"
    );
}

#[test]
fn json_ld_plain_text_description_keeps_lines() {
    let html = "<html><head><script type=\"application/ld+json\">\
        {\"@type\":\"JobPosting\",\"title\":\"Nurse\",\"hiringOrganization\":\"Cedar Hollow\",\
        \"description\":\"Night shifts on a busy unit.\\n\\n• BLS required\\n• ACLS required\"}\
        </script></head><body></body></html>";
    let e = extract_posting(html, None);
    assert_eq!(e.company.as_deref(), Some("Cedar Hollow"));
    assert_eq!(
        e.text,
        "Nurse\nCedar Hollow\n\nNight shifts on a busy unit.\n\n- BLS required\n- ACLS required"
    );
}

#[test]
fn cookie_banner_inside_main_and_hidden_parts_are_dropped() {
    let body = "<p>Real posting text that is long enough to be the content of this page, \
                describing duties, requirements, and benefits in some detail for readers.</p>"
        .repeat(3);
    let html = format!(
        r#"<html><body><main>
        <div class="gdpr-consent"><p>We use cookies. Accept all cookies?</p></div>
        <div role="dialog"><p>Sign up now</p></div>
        <div hidden><p>Hidden text</p></div>
        <div style="display: none"><p>Invisible text</p></div>
        <div aria-label="Breadcrumb"><a href="/">Jobs</a> › Engineering</div>
        {body}
        <form><label>Email</label><input name="e"><p>Get new jobs by email</p></form>
        </main></body></html>"#
    );
    let e = extract_posting(&html, None);
    for bad in [
        "We use cookies",
        "Sign up",
        "Hidden text",
        "Invisible",
        "Engineering",
        "Get new jobs",
    ] {
        assert!(!e.text.contains(bad), "{bad:?} in {}", e.text);
    }
    assert!(e.text.starts_with("Real posting text"));
}

#[test]
fn page_wrapped_in_a_form_is_still_read() {
    // ASP.NET WebForms pages wrap the whole body in one <form>.
    let html = r#"<html><body><form id="aspnetForm" method="post">
        <div class="posting"><h1>Accountant</h1>
        <p>Prepare monthly closing, reconcile accounts, and support audits, taxes, and budgets for the group.</p>
        <p>Requirements: five years of experience, IFRS, SAP FI, and excellent Excel skills, please.</p></div>
        </form></body></html>"#;
    let e = extract_posting(html, None);
    assert_eq!(e.title.as_deref(), Some("Accountant"));
    assert!(e.text.contains("Prepare monthly closing"), "{}", e.text);
    assert!(e.text.contains("SAP FI"), "{}", e.text);
}

#[test]
fn arabic_page_is_kept_intact() {
    let html = r#"<html lang="ar" dir="rtl"><body><nav>الرئيسية</nav><article>
        <h1>محاسب أول</h1><p>شركة الريان للصناعات الغذائية</p>
        <h2>المتطلبات</h2><ul><li>خبرة لا تقل عن 5 سنوات في المحاسبة، ومعرفة بالمعايير الدولية IFRS</li>
        <li>إتقان ضريبة القيمة المضافة والزكاة</li><li>SAP وExcel متقدم</li></ul>
        <p>نرحب بطلبات المرشحين من جميع الجنسيات، ونقدم رواتب تنافسية وتأميناً طبياً شاملاً.</p>
        </article></body></html>"#;
    let e = extract_posting(html, None);
    assert_eq!(e.title.as_deref(), Some("محاسب أول"));
    assert!(
        e.text
            .starts_with("محاسب أول\nشركة الريان للصناعات الغذائية\n\nالمتطلبات\n- خبرة")
    );
    assert!(!e.text.contains("الرئيسية"));
}

#[test]
fn plain_text_fixtures() {
    for (file, title, company) in [
        (
            "jobs/en_backend_engineer_ledgerline.txt",
            "Senior Backend Engineer (Rust)",
            "Ledgerline Payments",
        ),
        (
            "jobs/en_data_analyst_coastline.txt",
            "Data Analyst, Rider Growth",
            "Coastline Mobility",
        ),
        (
            "jobs/ar_senior_accountant_alrayyan.txt",
            "محاسب أول",
            "شركة الريان للصناعات الغذائية",
        ),
    ] {
        let raw = fixture_string(file);
        let e = extract_plain(&raw);
        assert_eq!(e.title.as_deref(), Some(title), "{file}");
        assert_eq!(e.company.as_deref(), Some(company), "{file}");
        assert_eq!(
            words_without_markers(&e.text),
            words_without_markers(&raw),
            "{file}"
        );
        // CRLF and a BOM change nothing.
        let crlf = format!("\u{FEFF}{}", raw.replace('\n', "\r\n"));
        assert_eq!(extract_plain(&crlf), e, "{file} with CRLF/BOM");
    }
}

#[test]
fn empty_and_garbage_inputs() {
    assert_eq!(extract_posting("", None).text, "");
    assert_eq!(
        extract_posting("<html><body></body></html>", None).title,
        None
    );
    let e = extract_posting("just some text & more", None);
    assert_eq!(e.text, "just some text & more");
    let e = extract_posting(
        "<script type=application/ld+json>{not json</script><p>x</p>",
        None,
    );
    assert_eq!(e.text, "x");
}
