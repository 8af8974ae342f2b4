//! Load benchmark of OptimizeJob on the embedded defaults.
//!
//! ```text
//! cargo run --release -p e2e --example bench_optimize -- [RUNS] [CONCURRENT]
//! ```
//!
//! Starts the real stack (Postgres, Temporal dev server, worker, gateway),
//! prepares one parsed resume and one parsed job, then measures:
//! 1. one OptimizeJob end to end (start → result), `RUNS` times in a row;
//! 2. the orchestration floor: a bare workflow with the same number of
//!    activities (4) that do nothing, on the same server and worker;
//! 3. `CONCURRENT` optimisations started at once (wall time, latencies).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use shared::contracts::{OptimizeJobInput, OptimizeJobWorkflow};
use std::time::{Duration, Instant};
use temporalio_client::{WorkflowGetResultOptions, WorkflowStartOptions};
use temporalio_macros::{activities, workflow, workflow_methods};
use temporalio_sdk::{
    ActivityOptions, WorkflowContext, WorkflowResult,
    activities::{ActivityContext, ActivityError},
};

pub struct FloorActivities;

#[activities]
impl FloorActivities {
    #[activity]
    pub async fn noop(_ctx: ActivityContext, step: u32) -> Result<u32, ActivityError> {
        Ok(step)
    }
}

/// Four activities that do nothing: what Temporal itself costs per run.
#[workflow]
#[derive(Default)]
pub struct FloorWorkflow;

#[workflow_methods]
impl FloorWorkflow {
    #[run]
    pub async fn run(ctx: &mut WorkflowContext<Self>, _input: ()) -> WorkflowResult<u32> {
        let mut total = 0;
        for step in 0..4u32 {
            total += ctx
                .execute_activity(
                    FloorActivities::noop,
                    step,
                    ActivityOptions::start_to_close_timeout(Duration::from_secs(10)),
                )
                .await?;
        }
        Ok(total)
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn summary(name: &str, mut v: Vec<Duration>) -> String {
    v.sort();
    let mean = v.iter().sum::<Duration>() / v.len().max(1) as u32;
    format!(
        "| {name} | {} | {} | {} | {} | {} |",
        v.len(),
        ms(mean),
        ms(pct(&v, 0.5)),
        ms(pct(&v, 0.95)),
        ms(*v.last().unwrap_or(&Duration::ZERO))
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: i32 = args.first().and_then(|a| a.parse().ok()).unwrap_or(20);
    let concurrent: i32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);

    let stack = e2e::start_stack(
        false,
        Some(Box::new(|opts| {
            opts.register_workflow::<FloorWorkflow>()?;
            opts.register_activities(FloorActivities);
            Ok(())
        })),
    )?;
    let user = stack.new_user().await;
    let created = user
        .create_text_resume(
            "Maya",
            &e2e::fixture_text("resumes/en_backend_maya_lindqvist.md"),
        )
        .await;
    let resume_id = created["resume"]["id"].as_str().unwrap().to_string();
    user.wait_parsed(&resume_id).await;
    let job = user
        .post_json(
            "/jobs",
            &json!({ "resume_id": resume_id, "job_description": e2e::fixture_text("jobs/en_backend_engineer_ledgerline.txt") }),
        )
        .await;
    let job_id: uuid::Uuid = job.expect(202)["id"].as_str().unwrap().parse().unwrap();
    e2e::eventually(Duration::from_secs(120), "the first run", || async {
        let d = user.get(&format!("/jobs/{job_id}")).await;
        (d.data()["status"] == "complete").then_some(())
    })
    .await;

    // Benchmark runs use their own run numbers (1000+); a run waits until the
    // job has "committed" its number, so raise it once.
    let db = stack.db().await;
    sqlx::query("update jobs set run_count = 1000000 where id = $1")
        .bind(job_id)
        .execute(&db)
        .await?;
    let client = stack.temporal().await;
    let input = |run_no: i32| OptimizeJobInput {
        user_id: user.id,
        job_id,
        resume_id: resume_id.parse().unwrap(),
        run_no,
        step_offset: 0,
    };
    let run_one = |run_no: i32| {
        let client = client.clone();
        let input = input(run_no);
        let tq = stack.task_queue.clone();
        async move {
            let t = Instant::now();
            let h = client
                .start_workflow(
                    OptimizeJobWorkflow,
                    input,
                    WorkflowStartOptions::new(tq, format!("bench-optimize-{job_id}-{run_no}"))
                        .build(),
                )
                .await
                .unwrap();
            h.get_result(WorkflowGetResultOptions::default())
                .await
                .unwrap();
            t.elapsed()
        }
    };

    // Warm up, then sequential runs.
    run_one(1000).await;
    let mut sequential = Vec::new();
    for i in 0..runs {
        sequential.push(run_one(2000 + i).await);
    }

    let mut floor = Vec::new();
    for i in 0..runs {
        let t = Instant::now();
        let h = client
            .start_workflow(
                FloorWorkflow::run,
                (),
                WorkflowStartOptions::new(
                    stack.task_queue.clone(),
                    format!("bench-floor-{i}-{}", uuid::Uuid::new_v4()),
                )
                .build(),
            )
            .await
            .unwrap();
        h.get_result(WorkflowGetResultOptions::default())
            .await
            .unwrap();
        floor.push(t.elapsed());
    }

    let wall = Instant::now();
    let handles: Vec<_> = (0..concurrent)
        .map(|i| tokio::spawn(run_one(5000 + i)))
        .collect();
    let mut concurrent_lat = Vec::new();
    for h in handles {
        concurrent_lat.push(h.await.unwrap());
    }
    let wall = wall.elapsed();

    println!("| measurement | runs | mean | p50 | p95 | max |");
    println!("|---|---|---|---|---|---|");
    println!(
        "{}",
        summary("OptimizeJob end to end (sequential)", sequential)
    );
    println!(
        "{}",
        summary("bare workflow, 4 no-op activities (floor)", floor)
    );
    println!(
        "{}",
        summary(
            &format!("OptimizeJob, {concurrent} started at once"),
            concurrent_lat
        )
    );
    println!();
    println!(
        "{concurrent} concurrent optimisations: wall time {}, throughput {:.1} runs/s",
        ms(wall),
        f64::from(concurrent) / wall.as_secs_f64()
    );
    Ok(())
}
