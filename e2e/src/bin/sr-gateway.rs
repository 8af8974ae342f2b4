//! The `gateway` program, built inside the e2e package so that its tests can run it as
//! a child process (`CARGO_BIN_EXE_sr-gateway`), measure it and signal it.

#[global_allocator]
static GLOBAL: gateway::Allocator = gateway::Allocator;

fn main() -> anyhow::Result<()> {
    gateway::main()
}
