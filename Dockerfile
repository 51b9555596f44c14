# Build a static binary (pure-Go SQLite: no cgo), then ship it alone in a
# distroless image as a non-root user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/fundwatch ./cmd/fundwatch

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/fundwatch /usr/local/bin/fundwatch
USER nonroot:nonroot
WORKDIR /var/lib/fundwatch
EXPOSE 9864
ENTRYPOINT ["/usr/local/bin/fundwatch"]
CMD ["demo", "--web.listen-address=:9864"]
