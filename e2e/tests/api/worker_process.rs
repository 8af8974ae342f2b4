//! The `worker` program as a deployment runs it: a child process that `docker stop` or
//! Kubernetes ends with SIGTERM (issue 9, defect 1).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Start the real worker binary against the shared stack's Temporal and database, on a
/// task queue of its own (so it takes no work from the in-process worker).
fn spawn_worker() -> (std::process::Child, mpsc::Receiver<String>) {
    let stack = e2e::stack();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sr-worker"))
        .env("DATABASE_URL", &stack.db_url)
        .env("TEMPORAL_ADDRESS", &stack.temporal_target)
        .env(
            "SMARTRESUME_TASK_QUEUE",
            format!("sigterm-{}", uuid::Uuid::new_v4()),
        )
        .env("SMARTRESUME_RUN_MIGRATIONS", "false")
        .env("SMARTRESUME_BLOB_DIR", &stack.blob_dir)
        .env("SMARTRESUME_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
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

fn wait_for_line(rx: &mpsc::Receiver<String>, needle: &str, within: Duration, seen: &mut Vec<String>) -> bool {
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
    let (mut child, rx) = spawn_worker();
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
