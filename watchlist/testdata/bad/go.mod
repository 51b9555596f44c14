module example.com/broken

go 1.22

require (
	github.com/a/b v1.0.0
	requir github.com/c/d v1.0.0
)
