//! The OpenAPI document and the router are one table: every documented
//! operation answers through the real router, no other method does, every
//! path of the contract is documented, and every error answer is documented
//! as the envelope it really is.

use e2e::{TestUser, stack};
use reqwest::Method;
use serde_json::{Value, json};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The paths of API.md this gateway serves.
const CONTRACT: &[(&str, &[&str])] = &[
    ("/health", &["get"]),
    ("/resumes", &["get"]),
    ("/resumes/upload", &["post"]),
    ("/resumes/from-text", &["post"]),
    ("/resumes/{id}", &["get", "delete"]),
    ("/resumes/{id}/versions", &["get", "post"]),
    ("/resumes/{id}/file", &["get"]),
    ("/resumes/{id}/optimize", &["post"]),
    ("/jobs", &["get", "post"]),
    ("/jobs/{id}", &["get"]),
    ("/jobs/{id}/refine", &["post"]),
    ("/jobs/{id}/optimizations", &["get"]),
    ("/applications", &["get", "post"]),
    ("/applications/{id}", &["get", "patch", "delete"]),
    ("/applications/{id}/cvs", &["post"]),
    ("/applications/{id}/communications", &["get", "post"]),
    ("/applications/{id}/action_points", &["get", "post"]),
    ("/action_points/{id}", &["patch"]),
    ("/callbacks/n8n/resume", &["post"]),
    ("/callbacks/n8n/job", &["post"]),
    ("/openapi.json", &["get"]),
    ("/docs", &["get"]),
];

async fn document() -> Value {
    let r = stack().anonymous().get("/openapi.json").await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

fn concrete(path: &str) -> String {
    path.replace("{id}", &uuid::Uuid::new_v4().to_string())
        .replace("{path}", "resumes/x/original.txt")
}

async fn call(user: &TestUser, method: &str, path: &str) -> e2e::Reply {
    let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
    let mut rb = user.request(m.clone(), &concrete(path));
    if matches!(m, Method::POST | Method::PUT | Method::PATCH) {
        rb = rb.json(&json!({}));
    }
    TestUser::send(rb).await
}

#[tokio::test]
async fn every_documented_operation_is_routed_and_no_other_method_is() {
    let doc = document().await;
    let user = stack().new_user().await;
    let paths = doc["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for method in METHODS {
            let documented = item.get(method).is_some();
            let r = call(&user, method, path).await;
            if documented {
                assert_ne!(
                    r.status, 405,
                    "{method} {path} is documented but not routed"
                );
                assert!(
                    !(r.status == 404 && r.body["error"]["message"] == "route not found"),
                    "{method} {path} is documented but not routed: {}",
                    r.text
                );
            } else {
                assert_eq!(
                    r.status, 405,
                    "{method} {path} answers although the document does not list it: {}",
                    r.text
                );
            }
        }
    }
}

#[tokio::test]
async fn every_path_of_the_contract_is_documented_with_its_methods() {
    let doc = document().await;
    for (path, methods) in CONTRACT {
        let item = &doc["paths"][*path];
        assert!(item.is_object(), "{path} is not documented");
        for m in METHODS {
            assert_eq!(
                item.get(m).is_some(),
                methods.contains(&m),
                "{m} {path}: documented methods differ from the contract"
            );
        }
    }
}

#[tokio::test]
async fn error_answers_are_documented_as_the_envelope() {
    let doc = document().await;
    let envelope = &doc["components"]["schemas"]["ErrorEnvelope"];
    assert_eq!(envelope["properties"]["data"]["type"], "null", "{envelope}");
    assert_eq!(
        envelope["properties"]["error"]["$ref"],
        "#/components/schemas/ErrorBody"
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorEnvelope",
                        "{method} {path} {status}: {response}"
                    );
                }
            }
            if op.get("security").is_some() {
                for status in ["400", "401", "503"] {
                    assert!(
                        responses.contains_key(status),
                        "{method} {path} does not document {status}"
                    );
                }
            }
        }
    }
    // Constraints a client generator needs.
    let from_text = &doc["components"]["schemas"]["FromTextRequest"];
    assert_eq!(
        from_text["required"],
        json!(["title", "raw_text"]),
        "{from_text}"
    );
    assert_eq!(from_text["properties"]["raw_text"]["maxLength"], 200000);
    assert_eq!(from_text["properties"]["raw_text"]["minLength"], 1);
    let create_job = &doc["components"]["schemas"]["CreateJobRequest"];
    assert_eq!(
        create_job["properties"]["resume_id"]["format"], "uuid",
        "{create_job}"
    );
    let lang = &doc["components"]["schemas"]["Lang"];
    assert_eq!(lang["enum"], json!(["en", "ar"]), "{lang}");
    let limit = doc["paths"]["/jobs"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "limit")
        .cloned()
        .unwrap();
    assert_eq!(limit["schema"]["minimum"], 1, "{limit}");
    assert_eq!(limit["schema"]["maximum"], 100, "{limit}");
    // The structured CV is published with its bounds.
    let cv = &doc["components"]["schemas"]["StructuredCv"];
    assert_eq!(cv["properties"]["skills"]["maxItems"], 200, "{cv}");
    let exp = &doc["components"]["schemas"]["CvExperience"];
    assert_eq!(exp["required"], json!(["company", "title"]), "{exp}");
    assert!(exp["properties"]["start"]["pattern"].is_string(), "{exp}");
    let create = &doc["paths"]["/applications"]["post"];
    assert!(create["responses"]["202"].is_object(), "{create}");
    assert!(
        doc["paths"]["/applications/{id}/communications"]["post"]["responses"]["201"].is_object()
    );
    let upload = &doc["paths"]["/resumes/upload"]["post"]["requestBody"]["content"];
    assert!(upload["multipart/form-data"].is_object(), "{upload}");
}
