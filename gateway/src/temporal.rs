//! The gateway's side of Temporal: start, signal and query workflows by the
//! contracts in `shared::contracts`. The connection is made lazily and kept,
//! so the gateway starts (and `/health` reports 503) while Temporal is down.
//!
//! Connecting never serialises callers: one attempt at a time runs in the
//! background, every caller waits for that same attempt (at most
//! [`CONNECT_WAIT`]), and a failed attempt is remembered for
//! [`RETRY_AFTER_FAILURE`] so requests during an outage answer 503 at once
//! instead of queueing behind one another's connect timeouts.

use crate::error::ApiError;
use futures::{
    FutureExt,
    future::{BoxFuture, Shared},
};
use shared::contracts::{self, Progress};
use std::time::Duration;
use std::{sync::Arc, time::Instant};
use temporalio_client::{
    Client, ClientOptions, ConnectionOptions, WorkflowCancelOptions, WorkflowGetResultOptions,
    WorkflowIdConflictPolicy, WorkflowQueryOptions, WorkflowSignalOptions, WorkflowStartOptions,
    errors::WorkflowInteractionError,
};
use temporalio_common::{
    HasWorkflowDefinition, QueryDefinition, SignalDefinition, WorkflowDefinition,
    search_attributes::{SearchAttributeKey, SearchAttributes},
};
use url::Url;

/// How long a request waits on Temporal before answering 503.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// The whole connect attempt (TCP, HTTP/2, the namespace check).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(6);
/// How long one caller waits for the running attempt before answering 503
/// (the attempt itself goes on in the background).
pub const CONNECT_WAIT: Duration = Duration::from_secs(3);
/// A failed attempt answers callers at once for this long.
const RETRY_AFTER_FAILURE: Duration = Duration::from_secs(1);
const QUERY_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a read waits for a running workflow's `progress`. A query is answered by the
/// worker, behind the workflow's other tasks: with a backlog it waits, and the read would
/// wait with it (2 s per poll of a running job in the sustained-load scenario,
/// `RELIABILITY.md`). Past this the read answers with `progress: null`.
const PROGRESS_TIMEOUT: Duration = Duration::from_millis(500);

type Attempt = Shared<BoxFuture<'static, Result<Client, String>>>;

enum Slot {
    Idle,
    Connecting(Attempt),
    Ready(Client),
    Failed { at: Instant, error: String },
}

pub struct Temporal {
    url: Url,
    namespace: String,
    task_queue: String,
    slot: Arc<std::sync::Mutex<Slot>>,
}

/// A workflow to start: the contract marker, its input and how it shows in the Web UI.
pub struct StartRequest<W: WorkflowDefinition> {
    pub workflow: W,
    pub workflow_id: String,
    pub input: W::Input,
    pub summary: String,
    pub search_attributes: SearchAttributes,
}

impl Temporal {
    pub fn new(url: Url, namespace: String, task_queue: String) -> Self {
        Self {
            url,
            namespace,
            task_queue,
            slot: Arc::new(std::sync::Mutex::new(Slot::Idle)),
        }
    }

    pub fn task_queue(&self) -> &str {
        &self.task_queue
    }

    async fn client(&self) -> Result<Client, String> {
        let attempt = {
            let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
            match &*slot {
                Slot::Ready(c) => return Ok(c.clone()),
                Slot::Connecting(a) => a.clone(),
                Slot::Failed { at, error } if at.elapsed() < RETRY_AFTER_FAILURE => {
                    return Err(error.clone());
                }
                Slot::Idle | Slot::Failed { .. } => {
                    let attempt = self.start_attempt();
                    *slot = Slot::Connecting(attempt.clone());
                    attempt
                }
            }
        };
        tokio::time::timeout(CONNECT_WAIT, attempt)
            .await
            .unwrap_or_else(|_| Err("still connecting".into()))
    }

    /// One connect attempt, driven by a task of its own so it completes (and
    /// records its outcome) even when every caller has stopped waiting.
    fn start_attempt(&self) -> Attempt {
        let conn = ConnectionOptions::new(self.url.clone())
            .identity(format!("smartresume-gateway@{}", hostname()))
            .connect_timeout(CONNECT_TIMEOUT)
            .build();
        // The SDK's OpenTelemetry plugin puts the trace context (and the request and
        // workflow ids, `tracectx`) in the `_tracer-data` header of each call.
        let opts = ClientOptions::new(self.namespace.clone())
            .plugin(temporalio_sdk::opentelemetry::OpenTelemetryPlugin::builder().build())
            .build();
        let attempt: Attempt = async move {
            tokio::time::timeout(ATTEMPT_TIMEOUT, Client::connect(conn, opts))
                .await
                .map_err(|_| "connection timed out".to_string())?
                .map_err(|e| e.to_string())
        }
        .boxed()
        .shared();
        let slot = Arc::clone(&self.slot);
        let driven = attempt.clone();
        tokio::spawn(async move {
            let outcome = driven.await;
            let mut slot = slot.lock().unwrap_or_else(|p| p.into_inner());
            *slot = match outcome {
                Ok(client) => Slot::Ready(client),
                Err(error) => {
                    tracing::warn!(error = %error, "cannot connect to temporal");
                    Slot::Failed {
                        at: Instant::now(),
                        error,
                    }
                }
            };
        });
        attempt
    }

    /// Start a workflow under its business-key id. A repeated start returns the
    /// existing run instead of creating a second one.
    pub async fn start<W>(&self, req: StartRequest<W>) -> Result<String, ApiError>
    where
        W: WorkflowDefinition + HasWorkflowDefinition + Send + Sync + 'static,
        W::Input: Send,
    {
        let client = self.client().await.map_err(unreachable)?;
        let workflow_type = req.workflow.name().to_string();
        let opts = WorkflowStartOptions::new(self.task_queue.clone(), req.workflow_id.clone())
            .id_conflict_policy(WorkflowIdConflictPolicy::UseExisting)
            .search_attributes(req.search_attributes)
            .static_summary(req.summary)
            .build();
        let started = tokio::time::timeout(
            CALL_TIMEOUT,
            crate::tracectx::traced(
                &req.workflow_id,
                client.start_workflow(req.workflow, req.input, opts),
            ),
        )
        .await
        .map_err(|_| ApiError::Unavailable("temporal"))?;
        match started {
            Ok(handle) => {
                if let Some(m) = crate::metrics::get() {
                    m.workflow_started(&workflow_type);
                }
                Ok(handle.run_id().unwrap_or_default().to_string())
            }
            Err(e) => {
                tracing::error!(error = %e, workflow_id = %req.workflow_id, "start workflow failed");
                Err(ApiError::Unavailable("temporal"))
            }
        }
    }

    /// The `progress` query of a running workflow; `None` when it is not running
    /// or Temporal does not answer quickly (a GET never fails because of it).
    pub async fn progress<W, Q>(&self, query: Q, workflow_id: &str) -> Option<Progress>
    where
        W: HasWorkflowDefinition<Run = W> + Send + Sync + 'static,
        Q: QueryDefinition<Workflow = W, Input = (), Output = Progress> + Send + Sync + 'static,
    {
        let client = self.client().await.ok()?;
        let handle = client.get_workflow_handle::<W>(workflow_id.to_string());
        match tokio::time::timeout(
            PROGRESS_TIMEOUT,
            crate::tracectx::traced(
                workflow_id,
                handle.query(query, (), WorkflowQueryOptions::default()),
            ),
        )
        .await
        {
            Ok(Ok(p)) => Some(p),
            Ok(Err(e)) => {
                tracing::debug!(error = %e, workflow_id, "progress query failed");
                None
            }
            Err(_) => None,
        }
    }

    /// Signal a running workflow. `Ok(false)` when it is not running (done,
    /// or never started), so callers can answer 404/409 instead of 5xx.
    pub async fn signal<W, S>(
        &self,
        signal: S,
        workflow_id: &str,
        input: S::Input,
    ) -> Result<bool, ApiError>
    where
        W: HasWorkflowDefinition<Run = W> + Send + Sync + 'static,
        S: SignalDefinition<Workflow = W> + Send + Sync + 'static,
        S::Input: Send,
    {
        let client = self.client().await.map_err(unreachable)?;
        let handle = client.get_workflow_handle::<W>(workflow_id.to_string());
        match tokio::time::timeout(
            CALL_TIMEOUT,
            crate::tracectx::traced(
                workflow_id,
                handle.signal(signal, input, WorkflowSignalOptions::default()),
            ),
        )
        .await
        {
            Err(_) => Err(ApiError::Unavailable("temporal")),
            Ok(Ok(())) => Ok(true),
            Ok(Err(WorkflowInteractionError::NotFound(_))) => Ok(false),
            Ok(Err(e)) => {
                tracing::error!(error = %e, workflow_id, "signal failed");
                Err(ApiError::Unavailable("temporal"))
            }
        }
    }

    /// Ask a workflow to stop (best effort): `false` when Temporal could not
    /// be told (unreachable, or no such run); the reason goes to the log.
    pub async fn cancel<W>(&self, workflow_id: &str, reason: &str) -> bool
    where
        W: HasWorkflowDefinition<Run = W> + Send + Sync + 'static,
    {
        let Ok(client) = self.client().await else {
            return false;
        };
        let handle = client.get_workflow_handle::<W>(workflow_id.to_string());
        let opts = WorkflowCancelOptions::builder().reason(reason).build();
        match tokio::time::timeout(
            QUERY_TIMEOUT,
            crate::tracectx::traced(workflow_id, handle.cancel(opts)),
        )
        .await
        {
            Ok(Ok(())) => true,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, workflow_id, "cancel failed");
                false
            }
            Err(_) => false,
        }
    }

    /// Wait (bounded) for a workflow's result; `None` on timeout or failure.
    pub async fn result<W>(&self, workflow_id: &str, wait: Duration) -> Option<W::Output>
    where
        W: HasWorkflowDefinition<Run = W> + Send + Sync + 'static,
    {
        let client = self.client().await.ok()?;
        let handle = client.get_workflow_handle::<W>(workflow_id.to_string());
        match tokio::time::timeout(wait, handle.get_result(WorkflowGetResultOptions::default()))
            .await
        {
            Ok(Ok(out)) => Some(out),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, workflow_id, "workflow did not succeed");
                None
            }
            Err(_) => None,
        }
    }

    /// A real call to the frontend, for `/health`.
    pub async fn health(&self) -> Result<(), String> {
        use temporalio_common::protos::temporal::api::workflowservice::v1::GetSystemInfoRequest;
        let client = self.client().await?;
        let mut svc = client.connection().workflow_service();
        match tokio::time::timeout(
            QUERY_TIMEOUT,
            svc.get_system_info(tonic::Request::new(GetSystemInfoRequest::default())),
        )
        .await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(status)) => Err(status.message().to_string()),
            Err(_) => Err("timed out".into()),
        }
    }
}

/// A 503 naming Temporal, with the reason kept for the log.
fn unreachable(reason: String) -> ApiError {
    ApiError::Unreachable {
        part: "temporal",
        cause: anyhow::anyhow!(reason),
    }
}

fn hostname() -> String {
    std::env::var("HOSTNAME").unwrap_or_else(|_| "local".into())
}

/// Search attributes every run of ours carries.
pub fn attributes(
    user_id: uuid::Uuid,
    extra: &[(&SearchAttributeKey<String>, String)],
) -> SearchAttributes {
    let mut updates = vec![contracts::SA_USER_ID.value_set(user_id.to_string())];
    for (k, v) in extra {
        updates.push(k.value_set(v.clone()));
    }
    SearchAttributes::new(updates)
}
