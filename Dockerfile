# Build a static binary (pure-Go SQLite: no cgo), then ship it in a slim
# Debian image with git, as a non-root user. git is there for the commit
# history: fundwatch keeps a blob-less mirror of each watched repository
# and reads it with `git log` (no API quota, authors' time zones kept);
# without git it falls back to the REST API.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/fundwatch ./cmd/fundwatch

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 65532 --user-group --home-dir /var/lib/fundwatch --create-home fundwatch
COPY --from=build /out/fundwatch /usr/local/bin/fundwatch
USER fundwatch:fundwatch
WORKDIR /var/lib/fundwatch
EXPOSE 9864
ENTRYPOINT ["/usr/local/bin/fundwatch"]
CMD ["demo", "--web.listen-address=:9864"]
