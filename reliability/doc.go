// Package reliability holds the tests that put the whole service — the real
// HTTP handler on a real socket over a real database — through what a
// deployment meets: a database that goes away (outage_test.go), a disk that
// fills (diskfull_test.go), a bounded load of uploaders and readers
// (load_test.go, build tag "load", `make load`), and a 3-node MariaDB Galera
// cluster (galera_test.go, `make test-galera`, which starts the cluster with
// reliability/galera.sh). docs/reliability.md records what they measured.
package reliability
