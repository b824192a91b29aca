# Shared by scripts/run and scripts/test: find or install Go and PostgreSQL,
# and start a private PostgreSQL server listening only on a Unix socket.
# Source it; do not run it.

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	echo "installing $* with apt-get" >&2
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# need_go makes sure a go command is on PATH. go.mod's go line names the
# Go to build with; with GOTOOLCHAIN=auto a go command of 1.21 or later
# that is older fetches that one itself from the Go module proxy.
need_go() {
	if ! command -v go >/dev/null 2>&1; then
		[ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"
	fi
	if ! command -v go >/dev/null 2>&1; then
		apt_install golang-go ca-certificates
	fi
	export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
	go version >/dev/null || { echo "Go is needed: see https://go.dev/doc/install" >&2; exit 1; }
}

# pg_bin prints the directory of the newest installed PostgreSQL server,
# installing Debian's postgresql package when there is none.
pg_bin() {
	local dir
	dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -z "$dir" ] || [ ! -x "$dir/initdb" ]; then
		apt_install postgresql
		dir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	fi
	echo "$dir"
}

# as_pg runs a command as the user who owns the cluster: postgres when we
# are root (PostgreSQL refuses to run as root), ourselves otherwise.
as_pg() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR initialises a cluster in DIR (once) and starts it with
# its socket in DIR. It prints the lib/pq connection string.
start_postgres() {
	local dir=$1 bin
	bin=$(pg_bin)
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$bin/initdb" --auth=trust --username=postgres --encoding=UTF8 --locale=C.UTF-8 -D "$dir/data" >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; return 1; }
	fi
	as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
		-o "-c listen_addresses='' -k $dir -c fsync=${PG_FSYNC:-on} -c max_connections=${PG_MAX_CONNECTIONS:-100}" start >/dev/null ||
		{ cat "$dir/postgres.log" >&2; return 1; }
	echo "host=$dir port=5432 user=postgres dbname=postgres sslmode=disable"
}

# stop_postgres DIR stops the cluster started by start_postgres.
stop_postgres() {
	local dir=$1
	[ -f "$dir/data/postmaster.pid" ] || return 0
	as_pg "$(pg_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}
