// What one bailanys-load run does, from the command line (main.cpp) or a test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace bailanys::load {

enum class SrtpChoice : std::uint8_t { Any, Gcm, AesCm };

struct LoadOptions {
  std::string server = "bailanys";  // or "janus" (VideoRoom over the Janus WebSocket API)
  std::string url = "http://127.0.0.1:8080";
  std::string room;  // empty: sign up a throwaway account and create a room (Janus: create one)
  int rooms = 1;     // independent rooms, each with `participants` of which `publishers` publish
  int participants = 4;  // per room
  int publishers = -1;   // per room; -1: everyone publishes
  double duration_s = 10;
  int video_kbps = 500;
  bool audio_only = false;
  int threads = 1;
  bool json = false;
  double loss_percent = 0;     // incoming RTP each subscriber drops on purpose (NACK recovers)
  SrtpChoice srtp = SrtpChoice::Any;
  double join_timeout_s = 15;  // longest wait for every stream to reach every subscriber
  double drain_s = 0.5;        // after the senders stop: late packets and retransmissions
  double settle_s = 0.2;       // after the warm-up, before the window: estimates settle
  std::string name = "load";   // display names are <name>-<index>
  double join_spread_s = 0;    // participants start at even steps over this many seconds
  double churn_per_s = 0;      // during the window: leave-and-replace events per second
  double leave_drain_s = 0.3;  // a leaver stops sending, then closes this much later
  bool simulcast = false;      // publishers send three layers (simulcast_layers.hpp)
  bool switch_layers = false;  // subscribers alternate top/low layer every 2 s (needs simulcast)
};

// Where the server is, from --url (http:// or, for Janus's WebSocket transport, ws://; no TLS:
// a load run stays on one machine).
struct ServerAddress {
  std::string host;  // as written ("127.0.0.1", "localhost", "[::1]" without brackets)
  std::uint16_t port = 80;
  [[nodiscard]] std::string host_port() const;  // for Host headers and Origin
  [[nodiscard]] std::string origin() const { return "http://" + host_port(); }
};

// nullopt with `error` set for anything but http://HOST[:PORT][/] or ws://HOST[:PORT][/].
std::optional<ServerAddress> parse_server_url(const std::string& url, std::string& error);

// One sentence when the options cannot work together; empty when they can.
std::string options_problem(const LoadOptions& options);

// Probe stream ids have 13 bits for the participant index (probe_payload.hpp: 2 more are the
// simulcast layer), so a run has at most 8192 participants, replacements included.
inline constexpr int kMaxParticipants = 0x1FFF + 1;

// The number of publishers (per room) once -1 has been resolved.
inline int publisher_count(const LoadOptions& o) {
  return o.publishers < 0 ? o.participants : o.publishers;
}

// Leave-and-replace events that fit in the window (each needs its drain before the window ends).
int churn_events(const LoadOptions& o);

}  // namespace bailanys::load
