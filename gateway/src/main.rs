//! `gateway`: the HTTP API.

fn main() -> anyhow::Result<()> {
    gateway::main()
}
