//! `worker`: polls the `smartresume` task queue and runs every workflow and
//! activity. Stops gracefully on SIGTERM / Ctrl-C (see `workflows::worker::main`).

fn main() -> anyhow::Result<()> {
    workflows::worker::main()
}
