# Build a static binary (pure-Go SQLite: no cgo), then ship it in a slim
# Debian image with git, as a non-root user. git is there for the commit
# history: fundwatch keeps a blob-less mirror of each watched repository
# and reads it with `git log` (no API quota, authors' time zones kept);
# without git it falls back to the REST API.
# Base images pinned by version (and by digest where you mirror them), so a
# rebuild gets the same toolchain and system.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The version is stamped from the build argument (.git is not in the build
# context: see .dockerignore): docker build --build-arg VERSION=1.2.3 .
ARG VERSION=dev
ARG REVISION=unknown
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags="-s -w -X github.com/prometheus/common/version.Version=${VERSION} -X github.com/prometheus/common/version.Revision=${REVISION}" \
      -o /out/fundwatch ./cmd/fundwatch

FROM debian:12.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --user-group --home-dir /var/lib/fundwatch --create-home fundwatch \
 && install -d -o fundwatch -g fundwatch /backfill
# /backfill exists, owned by the user, so a named volume mounted there (the
# compose file's backfill profile) starts writable for it.
COPY --from=build /out/fundwatch /usr/local/bin/fundwatch
USER fundwatch:fundwatch
WORKDIR /var/lib/fundwatch
EXPOSE 9864
# The image has no curl: fundwatch checks itself (/-/healthy).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s \
  CMD ["/usr/local/bin/fundwatch", "healthcheck", "--url", "http://127.0.0.1:9864/-/healthy"]
ENTRYPOINT ["/usr/local/bin/fundwatch"]
CMD ["demo", "--web.listen-address=:9864"]
