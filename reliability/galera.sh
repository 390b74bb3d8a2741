#!/bin/sh
# galera.sh: a 3-node MariaDB Galera cluster on loopback, from Debian's
# mariadb-server and galera-4, for `make test-galera`. Each node is a plain
# mariadbd process with its own datadir, config file, socket and ports under
# $GALERA_DIR (default /tmp/sunshine-galera); the system MariaDB on 3306 is
# not touched.
#
#   galera.sh start           bootstrap node 1, join nodes 2 and 3 (rsync SST), wait until all are synced
#   galera.sh stop            stop every node and keep the datadirs
#   galera.sh destroy         stop every node and remove $GALERA_DIR
#   galera.sh kill N          kill -9 node N (a node lost)
#   galera.sh restart N       start node N again; it rejoins by IST or SST
#   galera.sh status          each node's cluster size and state
#   galera.sh dsns            the three sunshine DSNs, comma-separated
#
# Node N (1…3) listens for clients on 127.0.0.1:(13305+N), for Galera on
# 127.0.0.1:(14557+10N), IST on (14558+10N), SST on (14554+10N).
set -eu

DIR=${GALERA_DIR:-/tmp/sunshine-galera}
LIB=${GALERA_LIB:-/usr/lib/galera/libgalera_smm.so}
NODES="1 2 3"

port() { echo $((13305 + $1)); }
gport() { echo $((14557 + 10 * $1)); }

need() {
	if [ ! -f "$LIB" ]; then
		echo "galera.sh: $LIB is missing: apt-get install galera-4" >&2
		exit 1
	fi
	for c in mariadbd mariadb-install-db mariadb rsync; do
		command -v "$c" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin
		command -v "$c" >/dev/null 2>&1 || { echo "galera.sh: $c is missing (mariadb-server, rsync)" >&2; exit 1; }
	done
}

# The user mariadbd runs as: mysql when started by root (mariadbd refuses root), else whoever runs this.
runas() {
	if [ "$(id -u)" = 0 ]; then echo mysql; else id -un; fi
}

config() {
	n=$1
	d=$DIR/node$n
	addrs=""
	for m in $NODES; do addrs="$addrs${addrs:+,}127.0.0.1:$(gport "$m")"; done
	cat >"$d/my.cnf" <<EOF
[mariadbd]
user=$(runas)
datadir=$d/data
socket=$d/mysqld.sock
pid-file=$d/mysqld.pid
log-error=$d/error.log
port=$(port "$n")
bind-address=127.0.0.1
skip-name-resolve
character-set-server=utf8mb4
collation-server=utf8mb4_unicode_ci
default-storage-engine=InnoDB
binlog_format=ROW
innodb_autoinc_lock_mode=2
innodb_buffer_pool_size=256M
innodb_log_file_size=128M
max_connections=300
wsrep_on=ON
wsrep_provider=$LIB
wsrep_cluster_name=sunshine_test
wsrep_cluster_address=gcomm://$addrs
wsrep_node_name=node$n
wsrep_node_address=127.0.0.1:$(gport "$n")
wsrep_node_incoming_address=127.0.0.1:$(port "$n")
wsrep_provider_options=gmcast.listen_addr=tcp://127.0.0.1:$(gport "$n");ist.recv_addr=127.0.0.1:$(($(gport "$n") + 1));gcache.size=256M
wsrep_sst_method=rsync
wsrep_sst_receive_address=127.0.0.1:$(($(gport "$n") - 3))
wsrep_slave_threads=2
EOF
}

sql() { # sql N statement
	mariadb --no-defaults --socket="$DIR/node$1/mysqld.sock" -uroot -N -B -e "$2"
}

wait_synced() { # wait_synced N
	i=0
	while :; do
		st=$(sql "$1" "SHOW STATUS LIKE 'wsrep_local_state_comment'" 2>/dev/null | cut -f2 || true)
		[ "$st" = "Synced" ] && return 0
		i=$((i + 1))
		if [ $i -gt 240 ]; then
			echo "galera.sh: node $1 not synced after 120 s (state '$st'); see $DIR/node$1/error.log" >&2
			tail -20 "$DIR/node$1/error.log" >&2 || true
			exit 1
		fi
		sleep 0.5
	done
}

startnode() { # startnode N [--wsrep-new-cluster]
	n=$1
	shift
	d=$DIR/node$n
	mkdir -p "$d/data"
	config "$n"
	if [ "$(id -u)" = 0 ]; then chown -R mysql: "$d"; fi
	nohup mariadbd --defaults-file="$d/my.cnf" "$@" >"$d/stdout.log" 2>&1 &
	echo $! >"$d/launcher.pid"
}

start() {
	need
	if sql 1 "SELECT 1" >/dev/null 2>&1; then
		echo "galera.sh: the cluster under $DIR is already running"
		status
		return 0
	fi
	mkdir -p "$DIR"
	if [ "$(id -u)" = 0 ]; then chown mysql: "$DIR"; chmod 755 "$DIR"; fi
	if [ ! -d "$DIR/node1/data/mysql" ]; then
		mkdir -p "$DIR/node1/data"
		if [ "$(id -u)" = 0 ]; then chown -R mysql: "$DIR/node1"; fi
		mariadb-install-db --no-defaults --user="$(runas)" --datadir="$DIR/node1/data" \
			--auth-root-authentication-method=normal --skip-test-db >"$DIR/install.log" 2>&1
		fresh=1
	else
		fresh=0
	fi
	# Node 1 bootstraps the cluster when no node runs; the others join it.
	[ -f "$DIR/node1/data/grastate.dat" ] && sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$DIR/node1/data/grastate.dat"
	startnode 1 --wsrep-new-cluster
	wait_synced 1
	if [ $fresh = 1 ]; then
		# Clients connect over TCP from 127.0.0.1, as root without a password (as the dev machines' MariaDB).
		sql 1 "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION"
	fi
	for n in 2 3; do
		startnode "$n"
		wait_synced "$n"
	done
	status
}

stopnode() { # stopnode N [signal]
	f=$DIR/node$1/mysqld.pid
	[ -f "$f" ] || f=$DIR/node$1/launcher.pid
	[ -f "$f" ] || return 0
	pid=$(cat "$f")
	if kill -0 "$pid" 2>/dev/null; then
		kill "-${2:-TERM}" "$pid" 2>/dev/null || true
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 120 ]; do sleep 0.5; i=$((i + 1)); done
	fi
	rm -f "$DIR/node$1/launcher.pid"
}

status() {
	for n in $NODES; do
		s=$(sql "$n" "SELECT CONCAT(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME IN ('wsrep_cluster_size','wsrep_local_state_comment') ORDER BY VARIABLE_NAME" 2>/dev/null | tr '\n' ' ' || true)
		echo "node$n 127.0.0.1:$(port "$n"): ${s:-down}"
	done
}

dsns() {
	out=""
	for n in $NODES; do out="$out${out:+,}mysql://root@tcp(127.0.0.1:$(port "$n"))/mysql"; done
	echo "$out"
}

case "${1:-}" in
start) start ;;
stop) for n in 3 2 1; do stopnode "$n"; done ;;
destroy)
	for n in 3 2 1; do stopnode "$n"; done
	rm -rf "$DIR"
	;;
kill) stopnode "$2" KILL ;;
restart)
	startnode "$2"
	wait_synced "$2"
	;;
status) status ;;
dsns) dsns ;;
*)
	sed -n '2,20p' "$0" >&2
	exit 2
	;;
esac
