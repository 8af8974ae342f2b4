//! The committed TailoredCv schema never drifts from the type; the plan schema is usable.

#[test]
fn committed_tailored_cv_schema_matches_type() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../schemas/tailored_cv.schema.json");
    let fresh = engine::cv::tailored_cv_schema_json();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &fresh).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .expect("schemas/tailored_cv.schema.json (run with UPDATE_SCHEMA=1 to write it)");
    assert_eq!(
        committed, fresh,
        "schema drifted: run `UPDATE_SCHEMA=1 cargo test -p engine committed_tailored_cv_schema` and commit the file"
    );
}

#[test]
fn schemas_describe_the_types() {
    let plan = engine::cv::edit_plan_schema();
    let s = plan.to_string();
    for op in [
        "reorder_sections",
        "select_bullets",
        "rephrase_bullet",
        "hide_item",
        "order_skills",
    ] {
        assert!(s.contains(op), "{op}");
    }
    let cv = engine::cv::tailored_cv_schema();
    assert!(cv["properties"]["section_order"].is_object());
    assert!(
        cv["properties"]["experience"].is_object(),
        "flattened resume fields"
    );

    // a tailored CV is also a valid parsed resume (the same shape plus section_order)
    let (_, p) = crate::common::resume("resumes/en_backend_maya_lindqvist.md");
    let (t, _) = engine::cv::apply(&p, &engine::cv::EditPlan::default());
    let v = serde_json::to_value(&t).unwrap();
    assert!(engine::validate_parsed_resume(&v).is_ok());
    let back: engine::cv::TailoredCv = serde_json::from_value(v).unwrap();
    assert_eq!(back, t);
}

#[test]
fn plans_round_trip_as_json() {
    let (_, cv) = crate::common::resume("resumes/en_backend_maya_lindqvist.md");
    let j = crate::common::job("jobs/en_backend_engineer_ledgerline.txt");
    let (p, _) = engine::cv::plan(&cv, &j, "en", None);
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v["changes"][0]["op"], "order_skills");
    let back: engine::cv::EditPlan = serde_json::from_value(v).unwrap();
    assert_eq!(back, p);
    // a model may leave out the optional fields
    let terse: engine::cv::EditPlan = serde_json::from_str(
        r#"{"changes":[{"op":"hide_item","target":"experience/2/bullets/0","reason":"less relevant"}]}"#,
    )
    .unwrap();
    let (t, r) = engine::cv::apply(&cv, &terse);
    assert_eq!(r.applied.len(), 1);
    assert_eq!(t.resume.experience[2].bullets.len(), 2);
}
