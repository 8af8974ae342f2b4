//! The OpenAPI document: the route table's paths (see `routes::table`) on top
//! of what is said once for all of them (info, security, tags, shared schemas).

use crate::{
    envelope::{Envelope, ErrorEnvelope, Page},
    error::ErrorBody,
    routes::{self, health::Health, resumes, views},
};
use std::sync::LazyLock;
use utoipa::{
    Modify, OpenApi,
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "SmartResume API",
        description = "Tailors a resume to a job. Every JSON answer is `{data, error}` with exactly one non-null. A method a path does not have answers 405 with an `Allow` header and the error envelope, code `bad_request` (the contract has no code of its own for it); an unknown path answers 404 `not_found`."
    ),
    // Only the route `routes!` cannot register (its path has slashes); every
    // other path comes from the route table.
    paths(routes::files::download),
    components(schemas(
        ErrorBody,
        ErrorEnvelope,
        Health,
        Envelope<Health>,
        resumes::FromTextRequest,
        resumes::ResumeCreated,
        resumes::Deleted,
        views::ResumeView,
        views::VersionView,
        views::VersionSummary,
        views::ResumeListItem,
        Page<views::ResumeListItem>,
        shared::contracts::Progress,
        shared::storage::SignedUrl,
        resumes::UploadRequest,
        resumes::TextVersionRequest,
        routes::callbacks::ResumeCallback,
        routes::callbacks::CallbackAccepted,
        routes::callbacks::JobCallback,
        routes::jobs::CreateJobRequest,
        routes::jobs::RefineRequest,
        routes::jobs::OptimizeResumeRequest,
        routes::jobs::JobStarted,
        views::JobView,
        views::OptimizationView,
        Page<views::JobView>,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "health"),
        (name = "docs", description = "This document, its reader and the JSON schemas it refers to"),
        (name = "resumes", description = "Upload or paste resumes; parsing runs as a Temporal workflow"),
        (name = "jobs", description = "Job descriptions and their optimisation runs"),
        (name = "callbacks", description = "n8n calls these with X-Workflow-Token"),
        (name = "files", description = "Signed, expiring download links"),
    )
)]
pub struct ApiDoc;

/// The whole document as served, built once from the route table (the body
/// limit only changes a layer, not the document).
pub fn document() -> &'static serde_json::Value {
    static DOC: LazyLock<serde_json::Value> = LazyLock::new(|| {
        let mut doc = serde_json::to_value(routes::table(0).1).unwrap_or_default();
        fix_link_keys(&mut doc);
        doc
    });
    &DOC
}

/// utoipa 5 writes a response link's fields in snake case (`operation_id`);
/// OpenAPI (and every client that follows links) reads `operationId`.
fn fix_link_keys(doc: &mut serde_json::Value) {
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    let links = paths
        .values_mut()
        .filter_map(|item| item.as_object_mut())
        .flat_map(|item| item.values_mut())
        .filter_map(|op| op.get_mut("responses").and_then(|r| r.as_object_mut()))
        .flat_map(|responses| responses.values_mut())
        .filter_map(|response| response.get_mut("links").and_then(|l| l.as_object_mut()))
        .flat_map(|links| links.values_mut())
        .filter_map(|link| link.as_object_mut());
    for link in links {
        for (snake, camel) in [
            ("operation_id", "operationId"),
            ("operation_ref", "operationRef"),
            ("request_body", "requestBody"),
        ] {
            if let Some(v) = link.remove(snake) {
                link.insert(camel.to_string(), v);
            }
        }
    }
}

struct BearerAuth;
impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("Supabase access token"))
                    .build(),
            ),
        );
    }
}

/// Error answers shared by many operations, for `responses(...)` of
/// `#[utoipa::path]`: each is the `{data: null, error}` envelope with the
/// status and code of API.md's table. Answers whose meaning depends on the
/// operation (404, 409) are written out where they occur.
pub mod errors {
    use std::collections::BTreeMap;
    use utoipa::{
        IntoResponses,
        openapi::{
            ContentBuilder, Ref, RefOr, ResponseBuilder,
            header::HeaderBuilder,
            response::Response,
            schema::{ObjectBuilder, Type},
        },
    };

    fn answer(
        status: &str,
        description: &str,
        retry_after: bool,
    ) -> BTreeMap<String, RefOr<Response>> {
        let mut response = ResponseBuilder::new().description(description).content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorEnvelope")))
                .build(),
        );
        if retry_after {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds until the next request may start work"))
                    .build(),
            );
        }
        BTreeMap::from([(status.to_string(), RefOr::T(response.build()))])
    }

    macro_rules! error_answer {
        ($name:ident, $status:literal, $description:literal, $retry:literal) => {
            #[doc = $description]
            pub struct $name;
            impl IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    answer($status, $description, $retry)
                }
            }
        };
    }

    error_answer!(
        BadRequest,
        "400",
        "`bad_request`: malformed JSON, wrong content type, unparsable id or query",
        false
    );
    error_answer!(
        Unauthorized,
        "401",
        "`unauthorized`: missing, invalid or expired bearer token",
        false
    );
    error_answer!(
        CallbackUnauthorized,
        "401",
        "`unauthorized`: missing or wrong X-Workflow-Token",
        false
    );
    error_answer!(
        TooLarge,
        "413",
        "`payload_too_large`: body or upload over the limit",
        false
    );
    error_answer!(
        UnsupportedType,
        "415",
        "`unsupported_media_type`: not a PDF, DOCX, TXT or MD file (decided from its bytes)",
        false
    );
    error_answer!(
        Invalid,
        "422",
        "`validation_failed`: well-formed but invalid; `error.details.fields` names each field",
        false
    );
    error_answer!(
        RateLimited,
        "429",
        "`rate_limited`: too many requests that start work; see Retry-After",
        true
    );
    error_answer!(
        Unavailable,
        "503",
        "`unavailable`: the database, Temporal, file storage or the token key service is unreachable",
        false
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn response_links_use_openapi_field_names() {
        let text = super::document().to_string();
        assert!(text.contains("\"operationId\":\"get_job\""), "{text}");
        assert!(!text.contains("operation_id"));
    }
}
