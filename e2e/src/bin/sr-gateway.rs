//! The `gateway` program, built inside the e2e package so that its tests can run it as
//! a child process (`CARGO_BIN_EXE_sr-gateway`), measure it and signal it.

fn main() -> anyhow::Result<()> {
    gateway::main()
}
