module example.com/payments/api

go 1.22.0

toolchain go1.22.3

require (
	github.com/Azure/azure-sdk-for-go/sdk/azcore v1.11.1
	github.com/jackc/pgx/v5 v5.5.5
	github.com/old/unmaintained v1.0.0
	github.com/prometheus/client_golang v1.19.0
	github.com/sirupsen/logrus v1.9.3
	github.com/spf13/cobra v1.8.0
	go.example.org/internal/auth v0.3.0
	go.opentelemetry.io/otel/trace v1.26.0
	go.uber.org/zap v1.27.0
	golang.org/x/net v0.24.0
	golang.org/x/sync v0.7.0
	google.golang.org/grpc v1.63.2
	google.golang.org/protobuf v1.33.0
	gopkg.in/yaml.v3 v3.0.1
	honnef.co/go/tools v0.4.7
	k8s.io/client-go v0.30.0
	modernc.org/sqlite v1.29.8
	sigs.k8s.io/controller-runtime v0.18.0
)

require (
	github.com/beorn7/perks v1.0.1 // indirect
	github.com/cespare/xxhash/v2 v2.2.0 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
	gitlab.com/golang-commonmark/markdown v0.0.0-20211110145824-bf3e522c626a // indirect
	go.uber.org/multierr v1.11.0 // indirect
	google.golang.org/genproto/googleapis/rpc v0.0.0-20240318140521-94a12d6c2237 // indirect
	gopkg.in/natefinch/lumberjack.v2 v2.2.1 // indirect
	k8s.io/klog/v2 v2.120.1 // indirect
)

// Our fork carries the fix for the JSON formatter race until upstream merges it.
replace github.com/sirupsen/logrus => github.com/payments-oss/logrus v1.9.4-0.20240301120000-0123456789ab

// Vendored and patched in-tree.
replace github.com/old/unmaintained v1.0.0 => ../forks/unmaintained

// Pins an old version we no longer require: does not apply to v0.24.0.
replace golang.org/x/net v0.20.0 => golang.org/x/net v0.19.0

exclude github.com/spf13/cobra v1.7.0

retract v0.9.0 // published by mistake
