#!/usr/bin/env bash
# make bench: the side-by-side benchmarks of docs/benchmarks.md.
# Installs the anchors that Debian packages (nginx, wrk) when they are missing,
# builds bin/sunshine as a deployment would, then runs the Go program in
# bench/ that measures and writes bench/results.json and bench/details.json.
# Needs the sqlite3 and mysql clients and MariaDB on 127.0.0.1:3306 (root, no password).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if [ ${#missing[@]} -gt 0 ]; then
	# A fresh machine's package lists may be empty or stale: update once when apt has no candidate.
	if apt-cache policy "${missing[@]}" 2>/dev/null | grep -q 'Candidate: (none)' ||
		! apt-cache policy "${missing[@]}" 2>/dev/null | grep -q 'Candidate:'; then
		apt-get update -qq
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
for tool in sqlite3 mysql; do
	command -v "$tool" >/dev/null || { echo "make bench: $tool is needed" >&2; exit 1; }
done

mkdir -p bench/tmp
go build -o bench/tmp/sunshine ./cmd/sunshine
exec go run ./bench "$@"
