# Builds the gateway, the worker and the admin tool into one slim image;
# docker-compose.yml picks the command per service.
FROM rust:1-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends protobuf-compiler && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin gateway --bin worker --bin smartresume-admin

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 smartresume \
 && mkdir -p /data/blobs && chown smartresume /data/blobs
COPY --from=build /src/target/release/gateway /src/target/release/worker /src/target/release/smartresume-admin /usr/local/bin/
USER smartresume
# Two malloc arenas: with glibc's default (8 per core) the worker's resident size crept
# up run after run; with 2 its peak and its growth are the smallest measured
# (BENCHMARKS.md, worker memory). The gateway uses mimalloc and ignores it.
ENV SMARTRESUME_BIND=0.0.0.0:8080 SMARTRESUME_LOG_FORMAT=json MALLOC_ARENA_MAX=2
EXPOSE 8080
CMD ["gateway"]
