//! The `worker` program, built inside the e2e package so that its tests can run it as
//! a child process (`CARGO_BIN_EXE_sr-worker`) and signal or kill it.

fn main() -> anyhow::Result<()> {
    workflows::worker::main()
}
