//! `gateway`: the HTTP API.

/// mimalloc: a fifth of the read path's CPU went to glibc's malloc and free
/// (`BENCHMARKS.md`, the read-path profile).
#[global_allocator]
static GLOBAL: gateway::Allocator = gateway::Allocator;

fn main() -> anyhow::Result<()> {
    gateway::main()
}
