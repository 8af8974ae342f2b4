//! The committed JSON Schema never drifts from the types; validation of external JSON.

use serde_json::json;

#[test]
fn committed_schema_matches_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas/parsed_resume.schema.json");
    let fresh = engine::types::parsed_resume_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .expect("schemas/parsed_resume.schema.json (run with UPDATE_SCHEMA=1 to write it)");
    assert_eq!(
        committed, fresh,
        "schema drifted: run `UPDATE_SCHEMA=1 cargo test committed_schema` and commit the file"
    );
}

#[test]
fn validates_parser_output_and_rejects_bad_shapes() {
    let text = crate::common::read("resumes/en_backend_maya_lindqvist.md");
    let p = engine::parse_resume(&text, None);
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(engine::validate_parsed_resume(&v).unwrap(), p);

    let minimal = json!({"lang": "ar", "contact": {}, "headline": null, "summary": null, "experience": [], "education": [], "skills": []});
    assert!(engine::validate_parsed_resume(&minimal).is_ok());

    assert!(engine::validate_parsed_resume(&json!([1, 2])).is_err());
    assert!(engine::validate_parsed_resume(&json!({"lang": "en"})).is_err());
    let mut bad = v.clone();
    bad["lang"] = json!("fr");
    bad["experience"][0]["start"] = json!("01/2021");
    bad["experience"][1]["company"] = json!("");
    bad["experience"][1]["title"] = json!(" ");
    let err = engine::validate_parsed_resume(&bad).unwrap_err();
    assert!(
        err.contains("lang")
            && err.contains("experience[0].start")
            && err.contains("experience[1]"),
        "{err}"
    );
    let mut wrong_type = v;
    wrong_type["skills"] = json!("Rust, Go");
    assert!(engine::validate_parsed_resume(&wrong_type).is_err());
}
