//! End-to-end tests: real router, worker, Temporal dev server and Postgres.
//! One binary, one shared stack (see `e2e::stack`); each test uses its own users.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod applications;
mod audit;
mod auth;
mod bad_inputs;
mod basics;
mod chaos;
mod cloud;
mod fallback;
mod generation;
mod health;
mod isolation;
mod jobs;
mod load;
mod memory;
mod metrics;
mod n8n;
mod openapi;
mod outage_restarts;
mod outages;
mod provider_faults;
mod provisioning;
mod replay;
mod reset;
mod resumes;
mod rls;
mod schemathesis;
mod traces;
mod uploads;
mod worker_process;
