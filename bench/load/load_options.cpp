#include "load_options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace bailanys::load {

std::string ServerAddress::host_port() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ServerAddress> parse_server_url(const std::string& url, std::string& error) {
  constexpr std::string_view kScheme = "http://";
  constexpr std::string_view kWsScheme = "ws://";  // Janus's WebSocket transport
  std::size_t scheme = 0;
  if (url.rfind(kScheme, 0) == 0) {
    scheme = kScheme.size();
  } else if (url.rfind(kWsScheme, 0) == 0) {
    scheme = kWsScheme.size();
  } else {
    error = "--url must start with http:// or ws:// (no TLS: the load generator stays on this machine)";
    return std::nullopt;
  }
  std::string rest = url.substr(scheme);
  if (const auto slash = rest.find('/'); slash != std::string::npos) {
    if (rest.substr(slash) != "/") {
      error = "--url takes no path: http://HOST:PORT";
      return std::nullopt;
    }
    rest.resize(slash);
  }
  ServerAddress a;
  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string::npos) {
      error = "--url has an unclosed [IPv6] address";
      return std::nullopt;
    }
    a.host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port_text = rest.substr(close + 2);
  } else {
    const auto colon = rest.rfind(':');
    a.host = rest.substr(0, colon);
    if (colon != std::string::npos) port_text = rest.substr(colon + 1);
  }
  if (a.host.empty()) {
    error = "--url has no host";
    return std::nullopt;
  }
  if (!port_text.empty()) {
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (ec != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      error = "--url has a bad port: " + port_text;
      return std::nullopt;
    }
    a.port = static_cast<std::uint16_t>(value);
  }
  return a;
}

std::string options_problem(const LoadOptions& o) {
  if (o.server != "bailanys" && o.server != "janus") return "--server must be bailanys or janus";
  if (o.rooms < 1 || o.rooms > 1000) return "--rooms must be within 1..1000";
  if (o.rooms > 1 && !o.room.empty())
    return "--room names one room: it cannot be combined with --rooms above 1";
  if (o.participants < 2) {
    return "--participants must be at least 2: a publisher's own tracks are not sent back to it";
  }
  if (o.publishers > o.participants) return "--publishers cannot exceed --participants";
  if (publisher_count(o) < 1) return "--publishers must be at least 1: someone has to send";
  if (o.duration_s <= 0) return "--duration must be positive";
  if (o.threads < 1) return "--threads must be at least 1";
  if (!o.audio_only && (o.video_kbps < 20 || o.video_kbps > 20000)) {
    return "--video-kbps must be within 20..20000";
  }
  if (o.loss_percent < 0 || o.loss_percent >= 100) return "--loss must be within 0..99";
  if (!(o.settle_s >= 0 && o.settle_s <= 60)) return "--settle must be within 0..60 seconds";
  if (o.name.empty() || o.name.size() > 40) return "--name must be 1-40 characters";
  if (!(o.join_spread_s >= 0 && o.join_spread_s <= 600))
    return "--join-spread must be within 0..600 seconds";
  if (!(o.churn_per_s >= 0 && o.churn_per_s <= 100))
    return "--churn must be within 0..100 participants per second";
  if (o.churn_per_s > 0 && churn_events(o) == 0) {
    return "--churn leaves no time for a single replacement: raise --churn or --duration";
  }
  const double everyone = static_cast<double>(o.rooms) * o.participants + churn_events(o);
  if (everyone > kMaxParticipants) {
    return "--rooms x --participants plus the churn replacements must be at most 8192 "
           "participants (the probe's 13-bit publisher field)";
  }
  if (o.simulcast && o.audio_only) return "--simulcast needs video: it cannot go with --audio-only";
  if (o.switch_layers && !o.simulcast)
    return "--switch-layers needs --simulcast: there are no layers to switch";
  if (o.simulcast && o.video_kbps < 100) {
    return "--simulcast needs --video-kbps of at least 100 (the lowest layer gets a tenth)";
  }
  return {};
}

int churn_events(const LoadOptions& o) {
  if (o.churn_per_s <= 0) return 0;
  // Event j (from 1) is at j / churn seconds into the window; its replacement starts after the
  // drain.
  const double room_for = (o.duration_s - o.leave_drain_s) * o.churn_per_s;
  if (room_for < 1) return 0;
  return static_cast<int>(std::min(std::ceil(room_for) - 1, 1e6));
}

}  // namespace bailanys::load
