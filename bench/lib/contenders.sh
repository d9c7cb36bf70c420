# The backend and the contenders, with equivalent configurations: sourced after common.sh.
#
# Every proxy gets $THREADS worker threads (Spillway --threads, HAProxy nbthread, NGINX
# worker_processes), no logging, and keep-alive to the backend (HAProxy http-reuse always;
# NGINX upstream keepalive with proxy_http_version 1.1 and an empty Connection header;
# Spillway pools backend connections itself). Neither peer limits requests per keep-alive
# connection (NGINX's default of 1000 is lifted to match HAProxy).
#
# Modes: http (plain HTTP/1.1 proxy), tcp (L4 relay: HAProxy mode tcp, NGINX stream,
# Spillway protocol tcp), tls (TLS terminated at the proxy, plain HTTP to the backend),
# grpc (HTTP/2 in clear text by prior knowledge on both sides: HAProxy `proto h2` on the bind
# and the server, Spillway an http vServer in front of an h2c service; the backend is the gRPC
# server proxy/grpc.sh starts, not NGINX).
# The contender "direct" is the backend itself, for calibration (http, tcp and grpc only).

BACKEND_WORKERS="${BACKEND_WORKERS:-1}"
HAPROXY_MAXCONN="${HAPROXY_MAXCONN:-4000}"
HAPROXY_SPLICE="${HAPROXY_SPLICE:-1}"
NGINX_MODULES="${NGINX_MODULES:-/usr/lib/nginx/modules}"

# nginx_main DIR WORKERS: the main context shared by the backend and the NGINX proxy.
nginx_main() {
    local dir="$1" workers="$2"
    cat <<EOF
worker_processes $workers;
daemon off;
master_process on;
pid $dir/nginx.pid;
error_log $dir/error.log error;
worker_rlimit_nofile 20000;
events {
    worker_connections 12000;
}
EOF
}

nginx_http_common() {
    local dir="$1"
    cat <<EOF
    access_log off;
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    keepalive_requests 1000000;
    keepalive_timeout 300s;
    default_type text/plain;
EOF
}

# start_nginx NAME CONF_FILE: sets STARTED_PID (the master).
start_nginx() {
    local name="$1" conf="$2"
    nginx -t -q -p "$WORK/$name" -c "$conf" >"$WORK/$name-check.log" 2>&1 \
        || die "nginx rejected $conf: $(cat "$WORK/$name-check.log")"
    bench_start "$name" nginx -p "$WORK/$name" -c "$conf"
}

# start_backend PORT: NGINX serving "hello world\n" (12 bytes) at / and a 1 MiB file at
# /bulk; sets BACKEND_PID.
start_backend() {
    local port="$1" dir="$WORK/backend"
    mkdir -p "$dir/www"
    head -c 1048576 /dev/urandom >"$dir/www/bulk"
    chmod -R a+rX "$dir"
    {
        nginx_main "$dir" "$BACKEND_WORKERS"
        echo "http {"
        nginx_http_common "$dir"
        cat <<EOF
    sendfile on;
    tcp_nopush on;
    server {
        listen 127.0.0.1:$port backlog=4096;
        root $dir/www;
        location = / { return 200 "hello world\\n"; }
        location = /bulk { }
    }
}
EOF
    } >"$dir/nginx.conf"
    start_nginx backend "$dir/nginx.conf"
    BACKEND_PID=$STARTED_PID
    wait_port "$port" "$BACKEND_PID" || die "backend did not listen on $port (see $WORK/backend.log)"
}

# make_cert: a self-signed RSA 2048 certificate for 127.0.0.1 in $WORK/tls.
make_cert() {
    local dir="$WORK/tls"
    [ -f "$dir/cert.pem" ] && return 0
    mkdir -p "$dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
        -addext "subjectAltName=IP:127.0.0.1" \
        -keyout "$dir/key.pem" -out "$dir/cert.pem" >"$dir/openssl.log" 2>&1 \
        || die "openssl failed: $(cat "$dir/openssl.log")"
    cat "$dir/cert.pem" "$dir/key.pem" >"$dir/combined.pem"
    chmod -R a+rX "$dir"
}

haproxy_config() {
    local mode="$1" port="$2" backend="$3"
    cat <<EOF
global
    nbthread $THREADS
    maxconn $HAPROXY_MAXCONN

defaults
    timeout connect 5s
    timeout client 300s
    timeout server 300s
    timeout http-keep-alive 300s
EOF
    case "$mode" in
        http | tls | h2 | grpc)
            local bind="bind 127.0.0.1:$port" server="server b1 127.0.0.1:$backend"
            [ "$mode" = tls ] && bind="$bind ssl crt $WORK/tls/combined.pem"
            [ "$mode" = h2 ] && bind="$bind ssl crt $WORK/tls/combined.pem alpn h2,http/1.1"
            [ "$mode" = grpc ] && bind="$bind proto h2" server="$server proto h2"
            cat <<EOF
    mode http
    http-reuse always

frontend fe
    $bind
    default_backend be

backend be
    $server
EOF
            ;;
        tcp)
            echo "    mode tcp"
            [ "$HAPROXY_SPLICE" = 1 ] && echo "    option splice-auto"
            cat <<EOF

frontend fe
    bind 127.0.0.1:$port
    default_backend be

backend be
    server b1 127.0.0.1:$backend
EOF
            ;;
    esac
}

nginx_proxy_config() {
    local mode="$1" port="$2" backend="$3" dir="$4"
    [ "$mode" = tcp ] && echo "load_module $NGINX_MODULES/ngx_stream_module.so;"
    nginx_main "$dir" "$THREADS"
    case "$mode" in
        http | tls | h2)
            local listen="listen 127.0.0.1:$port backlog=4096"
            local tls_lines=""
            if [ "$mode" = tls ] || [ "$mode" = h2 ]; then
                listen="$listen ssl"
                [ "$mode" = h2 ] && listen="$listen http2"
                tls_lines="ssl_certificate $WORK/tls/cert.pem;
        ssl_certificate_key $WORK/tls/key.pem;
        ssl_session_cache shared:SSL:10m;"
            fi
            echo "http {"
            nginx_http_common "$dir"
            cat <<EOF
    upstream be {
        server 127.0.0.1:$backend;
        keepalive 256;
        keepalive_requests 1000000;
        keepalive_timeout 300s;
    }
    server {
        $listen;
        $tls_lines
        location / {
            proxy_pass http://be;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }
    }
}
EOF
            ;;
        tcp)
            cat <<EOF
stream {
    upstream be {
        server 127.0.0.1:$backend;
    }
    server {
        listen 127.0.0.1:$port backlog=4096;
        proxy_pass be;
    }
}
EOF
            ;;
    esac
}

spillway_config() {
    local mode="$1" port="$2" backend="$3" admin="$4"
    local vproto=http sproto=http tls_line=""
    case "$mode" in
        tcp) vproto=tcp sproto=tcp ;;
        grpc) sproto=h2c ;;
        tls | h2)
            vproto=https
            tls_line="    tls: {certificate: $WORK/tls/cert.pem, key: $WORK/tls/key.pem}"
            ;;
    esac
    cat <<EOF
admin:
  listen: 127.0.0.1:$admin
services:
  - name: backend
    address: 127.0.0.1:$backend
    protocol: $sproto
    capacity: 1000000
vservers:
  - name: bench
    listen: 127.0.0.1:$port
    protocol: $vproto
$tls_line
    lbMethod: roundrobin
    services: [backend]
    timeouts: {idle: 300s}
    spillover:
      method: none
EOF
}

# start_spillway NAME CONFIG_FILE: runs $SPILLWAY_CMD with CONFIG and THREADS filled in.
start_spillway() {
    local name="$1" config="$2"
    if [ -z "${SPILLWAY_CMD_SET:-}" ] && [ ! -f "$SPILLWAY_JAR" ]; then
        die "no Spillway jar at $SPILLWAY_JAR: build it (mvn -B -q -DskipTests -pl spillway-app -am package),
       set SPILLWAY_JAR or SPILLWAY_CMD, or leave Spillway out: CONTENDERS=\"haproxy nginx\""
    fi
    local cmd="${SPILLWAY_CMD//CONFIG/$config}"
    cmd="${cmd//THREADS/$THREADS}"
    local words
    set -f
    # shellcheck disable=SC2206 # the command is a plain word list by contract
    words=($cmd)
    set +f
    bench_start "$name" "${words[@]}"
}

# start_contender NAME MODE PORT BACKEND_PORT: starts one proxy and waits for its port;
# sets CONTENDER_PID (the process whose resident memory is the contender's).
start_contender() {
    local name="$1" mode="$2" port="$3" backend="$4"
    local dir="$WORK/$name"
    mkdir -p "$dir"
    case "$name" in
        haproxy)
            haproxy_config "$mode" "$port" "$backend" >"$dir/haproxy.cfg"
            haproxy -c -q -f "$dir/haproxy.cfg" >"$dir/check.log" 2>&1 \
                || die "haproxy rejected its configuration: $(cat "$dir/check.log")"
            bench_start haproxy haproxy -db -f "$dir/haproxy.cfg"
            ;;
        nginx)
            [ "$mode" = grpc ] && die "contender nginx has no grpc mode here (known: spillway haproxy direct)"
            nginx_proxy_config "$mode" "$port" "$backend" "$dir" >"$dir/nginx.conf"
            start_nginx nginx "$dir/nginx.conf"
            ;;
        spillway|spillway-log)
            local admin
            admin=$(free_ports 1)
            spillway_config "$mode" "$port" "$backend" "$admin" >"$dir/spillway.yaml"
            if [ "$name" = spillway-log ]; then
                # the same appliance with its access log written (issue 10: what the log costs)
                printf 'logging: {access: {path: %s/access.log, maxSize: 100MB, keep: 1}}\n' "$dir" >>"$dir/spillway.yaml"
            fi
            start_spillway "$name" "$dir/spillway.yaml"
            # The admin API is the last part of the appliance to start: ready means both.
            wait_port "$admin" "$STARTED_PID" \
                || die "Spillway's admin API did not listen on $admin (log: $WORK/$name.log)
$(tail -20 "$WORK/$name.log" 2>/dev/null)"
            ;;
        direct)
            [ "$mode" = tls ] && die "contender direct has no TLS (the backend is plain HTTP)"
            CONTENDER_PID=$BACKEND_PID
            return 0
            ;;
        *) die "unknown contender '$name' (known: spillway spillway-log haproxy nginx direct)" ;;
    esac
    CONTENDER_PID=$STARTED_PID
    wait_port "$port" "$CONTENDER_PID" \
        || die "$name did not listen on 127.0.0.1:$port within ${PORT_WAIT_SECONDS}s (log: $WORK/$name.log)
$(tail -20 "$WORK/$name.log" 2>/dev/null)"
}
