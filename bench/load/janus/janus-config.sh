#!/bin/sh
# Writes a Janus configuration for bailanys-load into DIR (a copy of /etc/janus with edits):
# VideoRoom plugin and WebSocket transport only, WebSocket API on 127.0.0.1:PORT, ICE-lite,
# no demo rooms, warnings-only log. Start Janus inside a network namespace with a veth end that
# has 127.0.0.5/32 (Janus never gathers candidates on loopback interfaces):
#   janus -F DIR -C DIR/janus.jcfg -E <veth> -i 127.0.0.5
# Usage: janus-config.sh DIR [PORT]
set -eu
dir=$1
port=${2:-8188}
mkdir -p "$dir"
cp /etc/janus/janus.jcfg /etc/janus/janus.transport.websockets.jcfg "$dir/"
cfg=$dir/janus.jcfg
# Logging: warnings and errors only (each log line costs the server CPU).
sed -i 's|^\tdebug_level = 4|\tdebug_level = 3|' "$cfg"
# ICE-lite: the load generator's transport is a controlling agent that never answers Binding
# requests, as against our own (ICE-lite) server. Like with like.
sed -i 's|^\t#ice_lite = true|\tice_lite = true|' "$cfg"
# Only what a VideoRoom over WebSocket needs.
sed -i 's|^\t#disable = "libjanus_voicemail.so,libjanus_recordplay.so"|\tdisable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"|' "$cfg"
sed -i 's|^\t#disable = "libjanus_rabbitmq.so"|\tdisable = "libjanus_http.so,libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so"|' "$cfg"
sed -i 's|^\t#disable = "libjanus_jsonlog.so"|\tdisable = "libjanus_jsonlog.so"|' "$cfg"
ws=$dir/janus.transport.websockets.jcfg
sed -i "s|^\tws_port = 8188|\tws_port = $port|; s|^\t#ws_ip = \"192.168.0.1\"|\tws_ip = \"127.0.0.1\"|; s|^\tjson = \"indented\"|\tjson = \"plain\"|" "$ws"
# No demo rooms: bailanys-load creates its own.
printf 'general: {\n}\n' > "$dir/janus.plugin.videoroom.jcfg"
for key in 'debug_level = 3' 'ice_lite = true' 'libjanus_audiobridge.so,' 'libjanus_http.so,' 'disable = "libjanus_jsonlog.so"'; do
  grep -q "$key" "$cfg" || { echo "janus-config.sh: could not set $key in $cfg" >&2; exit 1; }
done
for key in "ws_port = $port" 'ws_ip = "127.0.0.1"' 'json = "plain"'; do
  grep -q "$key" "$ws" || { echo "janus-config.sh: could not set $key in $ws" >&2; exit 1; }
done
