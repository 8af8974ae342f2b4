//! `moto_server` (PyPI `moto[server]`, installed by `scripts/test`): a real
//! S3 implementation on 127.0.0.1, started on a free port and killed when
//! dropped (or when the thread that started it exits).

use anyhow::Context;
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

pub struct Moto {
    child: Child,
    pub url: String,
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn on_path(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            let p = dir.join(program);
            p.is_file()
                && std::fs::metadata(&p)
                    .map(|m| {
                        use std::os::unix::fs::PermissionsExt;
                        m.permissions().mode() & 0o111 != 0
                    })
                    .unwrap_or(false)
        })
    })
}

/// Start moto on a free port, wait until it answers, create `bucket`.
pub async fn start(bucket: &str) -> anyhow::Result<Moto> {
    anyhow::ensure!(
        on_path("moto_server"),
        "moto_server is not on PATH: run scripts/test, which installs it (pip install 'moto[server]')"
    );
    let port = crate::free_port()?;
    let args = ["-H", "127.0.0.1", "-p", &port.to_string()].map(str::to_string);
    // With setpriv the server also dies if the starting thread goes away
    // without running destructors.
    let mut cmd = if on_path("setpriv") {
        let mut c = Command::new("setpriv");
        c.args(["--pdeathsig", "KILL", "moto_server"]);
        c
    } else {
        Command::new("moto_server")
    };
    let child = cmd
        .args(&args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .context("start moto_server")?;
    let moto = Moto {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let http = shared::telemetry::http_client()?;
    let started = Instant::now();
    while http.get(&moto.url).send().await.is_err() {
        anyhow::ensure!(
            started.elapsed() < Duration::from_secs(30),
            "moto_server did not answer on {} within 30 s",
            moto.url
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // moto accepts unsigned requests: create the bucket directly.
    let res = http.put(format!("{}/{bucket}", moto.url)).send().await?;
    anyhow::ensure!(res.status().is_success(), "create bucket: {}", res.status());
    Ok(moto)
}
