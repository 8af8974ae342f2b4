//! The application tracker: messages with the company (communications) and
//! to-dos (action points).

use crate::envelope::ErrorEnvelope;
use crate::openapi::errors as E;
use crate::{
    envelope::{Envelope, Page},
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, AuthUser},
    routes::views::{ActionPointView, CommunicationView, ListQuery},
    state::AppState,
    validate::{
        Problems, check_datetime, check_no_nul, check_optional, check_required_text, present,
    },
};
use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use shared::{
    db::{self, applications as apps, pagination},
    domain::{CommunicationChannel, CommunicationDirection},
};
use sqlx::PgConnection;
use utoipa::ToSchema;
use uuid::Uuid;

pub const MAX_SUBJECT_CHARS: usize = 500;
pub const MAX_BODY_CHARS: usize = 50_000;
pub const MAX_ACTION_TITLE_CHARS: usize = 500;

fn created<T: serde::Serialize>(data: T) -> Response {
    (StatusCode::CREATED, Json(Envelope { data, error: None })).into_response()
}

/// The application must be the caller's (else 404).
async fn own_application(conn: &mut PgConnection, user_id: Uuid, id: Uuid) -> ApiResult<()> {
    apps::get_application(conn, user_id, id)
        .await?
        .ok_or(ApiError::NotFound("application"))?;
    Ok(())
}

/// `POST /applications/{id}/communications` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(examples(json!({"channel": "email", "direction": "inbound", "subject": "Interview", "body": "Could you do Tuesday at 10?"})))]
pub struct NewCommunicationRequest {
    #[schema(value_type = CommunicationChannel, required = true)]
    pub channel: Option<String>,
    #[schema(value_type = CommunicationDirection, required = true)]
    pub direction: Option<String>,
    #[schema(max_length = 500, pattern = r"^[^\u0000]*$")]
    pub subject: Option<String>,
    /// 1..50,000 characters, not only spaces.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 50000, pattern = r"^[^\u0000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000][^\u0000]*$")]
    pub body: Option<String>,
    /// When it happened; defaults to now.
    #[schema(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub occurred_at: Option<String>,
}

fn check_enum<T: std::str::FromStr<Err = String>>(
    problems: &mut Problems,
    field: &str,
    raw: Option<&str>,
) -> Option<T> {
    match raw {
        None => {
            problems.add(field, "is required");
            None
        }
        Some(s) => match s.parse::<T>() {
            Ok(v) => Some(v),
            Err(e) => {
                problems.add(field, e);
                None
            }
        },
    }
}

/// Record a message with the company.
#[utoipa::path(
    post, path = "/applications/{id}/communications", operation_id = "create_communication", tag = "tracker",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = NewCommunicationRequest,
    responses(
        (status = 201, body = Envelope<CommunicationView>),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create_communication(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<NewCommunicationRequest>,
) -> ApiResult<Response> {
    let mut problems = Problems::default();
    let channel =
        check_enum::<CommunicationChannel>(&mut problems, "channel", req.channel.as_deref());
    let direction =
        check_enum::<CommunicationDirection>(&mut problems, "direction", req.direction.as_deref());
    check_no_nul(&mut problems, &[("subject", req.subject.as_deref())]);
    let subject = check_optional(
        &mut problems,
        "subject",
        req.subject.as_deref(),
        MAX_SUBJECT_CHARS,
    );
    let body = check_required_text(&mut problems, "body", req.body.as_deref(), MAX_BODY_CHARS);
    let occurred_at = check_datetime(&mut problems, "occurred_at", req.occurred_at.as_deref());
    problems.into_result()?;
    let (Some(channel), Some(direction), Some(body)) = (channel, direction, body) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    own_application(&mut tx, user.user_id, id).await?;
    let row = apps::insert_communication(
        &mut tx,
        &apps::NewCommunication {
            application_id: id,
            user_id: user.user_id,
            channel,
            direction,
            subject,
            body,
            occurred_at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(created(CommunicationView::from(&row)))
}

/// An application's messages, newest `occurred_at` first.
#[utoipa::path(
    get, path = "/applications/{id}/communications", operation_id = "list_communications", tag = "tracker",
    params(("id" = Uuid, Path, description = "Application id"), ListQuery),
    responses(
        (status = 200, body = Envelope<Page<CommunicationView>>),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list_communications(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let (limit, cursor) = q.parse()?;
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    own_application(&mut tx, user.user_id, id).await?;
    let rows = apps::list_communications(&mut tx, user.user_id, id, limit, cursor).await?;
    tx.commit().await?;
    let (rows, next_cursor) = pagination::split_page(rows, limit, |r| pagination::Cursor {
        created_at: r.occurred_at,
        id: r.id,
    });
    Ok(crate::envelope::ok(Page {
        items: rows.iter().map(CommunicationView::from).collect(),
        next_cursor: crate::routes::views::next_cursor(next_cursor),
    }))
}

/// `POST /applications/{id}/action_points` body.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[schema(examples(json!({"title": "Send the portfolio", "due_at": "2026-12-10T17:00:00Z"})))]
pub struct NewActionPointRequest {
    /// 1..500 characters, not only spaces.
    #[schema(value_type = String, required = true, min_length = 1, max_length = 500, pattern = r"^[^\u0000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000][^\u0000]*$")]
    pub title: Option<String>,
    #[schema(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub due_at: Option<String>,
    /// Defaults to false.
    pub done: Option<bool>,
}

/// Add an action point.
#[utoipa::path(
    post, path = "/applications/{id}/action_points", operation_id = "create_action_point", tag = "tracker",
    params(("id" = Uuid, Path, description = "Application id")),
    request_body = NewActionPointRequest,
    responses(
        (status = 201, body = Envelope<ActionPointView>,
            links(
                ("UpdateActionPoint" = (operation_id = "update_action_point", parameters(("id" = "$response.body#/data/id")))),
            )
        ),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn create_action_point(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(req): ApiJson<NewActionPointRequest>,
) -> ApiResult<Response> {
    let mut problems = Problems::default();
    let title = check_required_text(
        &mut problems,
        "title",
        req.title.as_deref(),
        MAX_ACTION_TITLE_CHARS,
    );
    let due_at = check_datetime(&mut problems, "due_at", req.due_at.as_deref());
    problems.into_result()?;
    let Some(title) = title else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "validated fields missing"
        )));
    };
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    own_application(&mut tx, user.user_id, id).await?;
    let row = apps::insert_action_point(
        &mut tx,
        user.user_id,
        id,
        &title,
        due_at,
        req.done.unwrap_or(false),
    )
    .await?;
    tx.commit().await?;
    Ok(created(ActionPointView::from(&row)))
}

/// An application's action points, newest first.
#[utoipa::path(
    get, path = "/applications/{id}/action_points", operation_id = "list_action_points", tag = "tracker",
    params(("id" = Uuid, Path, description = "Application id"), ListQuery),
    responses(
        (status = 200, body = Envelope<Page<ActionPointView>>),
        (status = 404, description = "`not_found`: no such application for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn list_action_points(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let (limit, cursor) = q.parse()?;
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    own_application(&mut tx, user.user_id, id).await?;
    let rows = apps::list_action_points(&mut tx, user.user_id, id, limit, cursor).await?;
    tx.commit().await?;
    let (rows, next_cursor) = pagination::split_page(rows, limit, |r| pagination::Cursor {
        created_at: r.created_at,
        id: r.id,
    });
    Ok(crate::envelope::ok(Page {
        items: rows.iter().map(ActionPointView::from).collect(),
        next_cursor: crate::routes::views::next_cursor(next_cursor),
    }))
}

/// `PATCH /action_points/{id}` body: at least one field.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateActionPointRequest {
    /// 1..500 characters, not only spaces.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 500, pattern = r"^[^\u0000]*[^\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u0000][^\u0000]*$")]
    pub title: Option<Option<String>>,
    /// Null clears the due date.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<chrono::DateTime<chrono::Utc>>, required = false)]
    pub due_at: Option<Option<String>>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = bool, required = false)]
    pub done: Option<Option<bool>>,
}

crate::at_least_one!(
    UpdateActionPointBody,
    UpdateActionPointRequest,
    "UpdateActionPointRequest"
);

/// Change an action point's title, due date or done flag.
#[utoipa::path(
    patch, path = "/action_points/{id}", operation_id = "update_action_point", tag = "tracker",
    params(("id" = Uuid, Path, description = "Action point id")),
    request_body = UpdateActionPointBody,
    responses(
        (status = 200, body = Envelope<ActionPointView>),
        (status = 404, description = "`not_found`: no such action point for this user", body = ErrorEnvelope),
        E::BadRequest, E::Unauthorized, E::TooLarge, E::Invalid, E::Unavailable,
    ),
    security(("bearer" = []))
)]
pub async fn update_action_point(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Response> {
    // An empty body is "nothing to change": a 422 like `{}`, not a 400.
    let req: UpdateActionPointRequest = crate::extract::optional_json(&headers, &body)?;
    let mut problems = Problems::default();
    if req.title.is_none() && req.due_at.is_none() && req.done.is_none() {
        problems.add("title", "give title, due_at and/or done");
    }
    let title = match &req.title {
        None => None,
        Some(None) => {
            problems.add("title", "must not be null");
            None
        }
        Some(Some(t)) => {
            check_required_text(&mut problems, "title", Some(t), MAX_ACTION_TITLE_CHARS)
        }
    };
    let due_at = match &req.due_at {
        None => None,
        Some(None) => Some(None),
        Some(Some(raw)) => Some(check_datetime(&mut problems, "due_at", Some(raw))),
    };
    let done = match req.done {
        None => None,
        Some(None) => {
            problems.add("done", "must not be null");
            None
        }
        Some(Some(d)) => Some(d),
    };
    problems.into_result()?;
    let mut tx = db::begin_user_tx(&state.db, &user.claims).await?;
    let row = apps::update_action_point(
        &mut tx,
        user.user_id,
        id,
        &apps::ActionPointChanges {
            title,
            due_at,
            done,
        },
    )
    .await?
    .ok_or(ApiError::NotFound("action point"))?;
    tx.commit().await?;
    Ok(crate::envelope::ok(ActionPointView::from(&row)))
}
