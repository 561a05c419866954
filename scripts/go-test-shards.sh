#!/usr/bin/env bash
# go-test-shards.sh PKG N [test flags…]: compiles PKG's tests once and runs
# them as N processes side by side, each with every N-th top-level test (by
# name), then prints each shard's output and fails if any shard failed.
#
# The HTTP package is most of `make test`'s time and its tests wait on
# fsync, PostgreSQL and Chromium much of it; two processes keep both cores
# busy. Each test makes its own database (a fresh SQLite file, a copy of
# the migrated PostgreSQL template) and its own listener, so shards share
# nothing but the machine.
set -euo pipefail
pkg=$1
n=$2
shift 2
go=${GO:-go}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bin="$work/pkg.test"
"$go" test -c -o "$bin" "$pkg"
dir=$("$go" list -f '{{.Dir}}' "$pkg")

mapfile -t tests < <(cd "$dir" && "$bin" -test.list '.*' | grep -E '^(Test|Fuzz|Example)' | sort)
if [ "${#tests[@]}" -eq 0 ]; then
	echo "go-test-shards: no tests in $pkg" >&2
	exit 1
fi

pids=()
for ((i = 0; i < n; i++)); do
	names=()
	for ((j = i; j < ${#tests[@]}; j += n)); do
		names+=("${tests[j]}")
	done
	[ "${#names[@]}" -eq 0 ] && continue
	pattern="^($(IFS='|'; echo "${names[*]}"))\$"
	(cd "$dir" && exec "$bin" -test.run "$pattern" "$@") >"$work/shard$i.log" 2>&1 &
	pids+=("$!:$i")
done

status=0
for p in "${pids[@]}"; do
	pid=${p%%:*}
	i=${p##*:}
	if wait "$pid"; then
		rc=0
	else
		rc=$?
	fi
	echo "=== $pkg shard $((i + 1))/$n (exit $rc)"
	# Passing tests print nothing without -v; a failure prints its output.
	cat "$work/shard$i.log"
	[ "$rc" -ne 0 ] && status=1
done
exit $status
