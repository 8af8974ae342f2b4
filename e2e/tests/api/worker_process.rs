//! The `worker` program as a deployment runs it: a child process that `docker stop` or
//! Kubernetes ends with SIGTERM (issue 9, defect 1).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Start the real worker binary against the shared stack's Temporal and `db_url`, on a
/// task queue of its own (so it takes no work from the in-process worker).
pub(crate) fn spawn_worker(
    db_url: &str,
    task_queue: &str,
    blob_dir: &std::path::Path,
) -> (std::process::Child, mpsc::Receiver<String>) {
    spawn_worker_with(
        &e2e::stack().temporal_target,
        db_url,
        task_queue,
        blob_dir,
        &[],
    )
}

/// [`spawn_worker`] on any stack's Temporal, with more environment (cloud providers,
/// the LLM fallback...).
pub(crate) fn spawn_worker_with(
    temporal_target: &str,
    db_url: &str,
    task_queue: &str,
    blob_dir: &std::path::Path,
    env: &[(String, String)],
) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sr-worker"))
        .env("DATABASE_URL", db_url)
        .env("TEMPORAL_ADDRESS", temporal_target)
        .env("SMARTRESUME_TASK_QUEUE", task_queue)
        .env("SMARTRESUME_RUN_MIGRATIONS", "false")
        .env("SMARTRESUME_BLOB_DIR", blob_dir)
        .env("SMARTRESUME_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the worker binary");
    let (tx, rx) = mpsc::channel();
    for out in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
    }
    (child, rx)
}

/// [`spawn_worker_with`], and wait until it polls (panics with its log if it never does).
pub(crate) fn start_polling_worker(
    temporal_target: &str,
    db_url: &str,
    task_queue: &str,
    blob_dir: &std::path::Path,
    env: &[(String, String)],
) -> std::process::Child {
    let (child, rx) = spawn_worker_with(temporal_target, db_url, task_queue, blob_dir, env);
    let mut log = Vec::new();
    assert!(
        wait_for_line(&rx, "worker polling", Duration::from_secs(90), &mut log),
        "the worker never started polling:\n{}",
        log.join("\n")
    );
    child
}

pub(crate) fn wait_for_line(
    rx: &mpsc::Receiver<String>,
    needle: &str,
    within: Duration,
    seen: &mut Vec<String>,
) -> bool {
    let deadline = Instant::now() + within;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let hit = line.contains(needle);
                seen.push(line);
                if hit {
                    return true;
                }
            }
            Err(_) => return false,
        }
    }
    false
}

#[test]
fn sigterm_drains_the_worker_and_exits_cleanly() {
    let stack = e2e::stack();
    let queue = format!("sigterm-{}", uuid::Uuid::new_v4());
    let (mut child, rx) = spawn_worker(&stack.db_url, &queue, &stack.blob_dir);
    let mut log = Vec::new();
    assert!(
        wait_for_line(&rx, "worker polling", Duration::from_secs(60), &mut log),
        "the worker never started polling:\n{}",
        log.join("\n")
    );

    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(sent.success());

    let deadline = Instant::now() + Duration::from_secs(40);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the worker did not stop within 40 s of SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    while let Ok(line) = rx.recv_timeout(Duration::from_millis(200)) {
        log.push(line);
    }
    let log = log.join("\n");
    assert!(
        status.success(),
        "SIGTERM must drain the worker and exit 0, got {status:?}:\n{log}"
    );
    assert!(log.contains("shutting down worker"), "{log}");
    assert!(log.contains("worker stopped"), "{log}");
}

/// A TCP proxy to Postgres that the test can take down: while down it accepts and
/// drops every connection, as a database that is restarting does.
struct DbProxy {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl DbProxy {
    async fn start(target: std::net::SocketAddr) -> DbProxy {
        use std::sync::atomic::{AtomicBool, Ordering};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(AtomicBool::new(false));
        let flag = up.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !flag.load(Ordering::SeqCst) {
                    drop(inbound);
                    continue;
                }
                tokio::spawn(async move {
                    if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                    }
                });
            }
        });
        DbProxy { port, up }
    }

    fn set_up(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Issue 9, defect 2: a database outage of more than a minute right after a committed
/// DELETE must delay the purge, not cancel it. (Before the fix the purge treated "cannot
/// ask the database" like "the resume still exists" and gave up after 60 s, leaving the
/// files behind for good.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_waits_out_a_database_outage_and_still_deletes_the_files() {
    use shared::contracts::{PurgeResumeInput, PurgeResumeWorkflow};
    use temporalio_client::{WorkflowGetResultOptions, WorkflowStartOptions};

    let stack = e2e::stack();
    let db = url::Url::parse(&stack.db_url).unwrap();
    let target: std::net::SocketAddr = format!(
        "{}:{}",
        db.host_str().unwrap().replace("localhost", "127.0.0.1"),
        db.port().unwrap_or(5432)
    )
    .parse()
    .unwrap();
    let proxy = DbProxy::start(target).await;
    let mut via_proxy = db.clone();
    via_proxy.set_port(Some(proxy.port)).unwrap();

    // A resume whose rows are gone (deleted and committed), with a file left to purge.
    let user_id = uuid::Uuid::new_v4();
    let resume_id = uuid::Uuid::new_v4();
    let blob_dir = std::env::temp_dir().join(format!("sr-purge-outage-{}", uuid::Uuid::new_v4()));
    let prefix = shared::storage::resume_prefix(user_id, resume_id);
    let file = blob_dir.join(&prefix).join("v1").join("original.pdf");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, b"%PDF-1.4 a resume").unwrap();

    let queue = format!("purge-outage-{}", uuid::Uuid::new_v4());
    let (mut child, _logs) = spawn_worker(via_proxy.as_str(), &queue, &blob_dir);

    let client = stack.temporal().await;
    let workflow_id = format!("purge-resume-{resume_id}");
    let handle = client
        .start_workflow(
            PurgeResumeWorkflow,
            PurgeResumeInput {
                user_id,
                resume_id,
                job_ids: vec![],
            },
            WorkflowStartOptions::new(queue.clone(), workflow_id).build(),
        )
        .await
        .unwrap();

    // The database stays unreachable for longer than the old code waited.
    tokio::time::sleep(Duration::from_secs(75)).await;
    assert!(
        file.exists(),
        "nothing may be purged while the database cannot answer"
    );
    proxy.set_up(true);

    let out = tokio::time::timeout(
        Duration::from_secs(150),
        handle.get_result(WorkflowGetResultOptions::default()),
    )
    .await
    .expect("the purge finishes once the database is back")
    .expect("the purge succeeds");
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(out.files_deleted, 1, "{out:?}");
    assert!(!file.exists(), "the stored file is purged after the outage");
    let _ = std::fs::remove_dir_all(&blob_dir);
}
