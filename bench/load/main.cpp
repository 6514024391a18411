// bailanys-load: synthetic WebRTC participants against a running Bailanys server.
// See bench/load/README.md.
#include "bailanys_signaling.hpp"
#include "common/random.hpp"
#include "janus_signaling.hpp"
#include "load_options.hpp"
#include "load_run.hpp"
#include "report.hpp"
#include "rtc/srtp/srtp_backend.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#include <memory>

using namespace bailanys::load;

namespace {

// Exit codes: 0 media flowed; 1 bad usage or the server could not be used; 2 nothing flowed.
constexpr int kSetupFailed = 1;
constexpr int kNothingFlowed = 2;

std::string nothing_flowed(const RunResult& r) {
  std::string why = "no media flowed: " + std::to_string(r.delivered) + " of " +
                    std::to_string(r.expected) + " expected packets reached the subscribers.";
  for (const auto& name : milestone_names()) {
    const auto it = r.join.find(name);
    if (it != r.join.end() && it->second.count < r.participants * r.rooms) {
      why += " Only " + std::to_string(it->second.count) + " of " + std::to_string(r.participants * r.rooms) +
             " participants reached " + name + ".";
      break;
    }
  }
  if (!r.errors.empty()) why += " First error: " + r.errors.front();
  return why;
}

}  // namespace

int main(int argc, char** argv) {
  LoadOptions o;
  CLI::App app{"bailanys-load: synthetic WebRTC participants (ICE, DTLS-SRTP, RTP made by Bailanys's\n"
               "own engines) join rooms of a running server, publish Opus-sized audio and VP8-framed\n"
               "video, and measure what the server delivers: delivered ratio, NACK recovery, freezes,\n"
               "one-way latency and join times. Everything stays on this machine."};
  app.add_option("--server", o.server, "the server's kind: bailanys, or janus (VideoRoom plugin)")->capture_default_str();
  app.add_option("--url", o.url, "the server, http://HOST:PORT (Janus: its WebSocket transport, ws://HOST:PORT)")
      ->capture_default_str();
  app.add_option("--room", o.room,
                 "an existing room code (it must allow guests; Janus: a VideoRoom id); default: create one");
  app.add_option("--rooms", o.rooms, "independent rooms, each with --participants of which --publishers publish")
      ->capture_default_str();
  app.add_option("--participants,-n", o.participants, "participants in each room")->capture_default_str();
  app.add_option("--publishers", o.publishers, "how many of each room's participants publish (the rest only listen); default: all");
  app.add_option("--duration", o.duration_s, "seconds measured once everyone receives everything")->capture_default_str();
  app.add_option("--video-kbps", o.video_kbps, "video bitrate per publisher (30 fps)")->capture_default_str();
  app.add_flag("--audio-only", o.audio_only, "publish audio only");
  app.add_option("--threads", o.threads, "event-loop threads for the participants")->capture_default_str();
  app.add_flag("--json", o.json, "print one JSON object with the results on stdout");
  app.add_option("--loss", o.loss_percent, "percent of incoming RTP each subscriber drops on purpose (NACK recovers it)")
      ->capture_default_str();
  std::string srtp = "any";
  app.add_option("--srtp", srtp, "SRTP profiles offered in DTLS: any, gcm (AEAD_AES_128_GCM) or aes-cm (AES_CM_128_HMAC_SHA1_80)")
      ->check(CLI::IsMember({"any", "gcm", "aes-cm"}))
      ->capture_default_str();
  std::string srtp_backend = bailanys::rtc::srtp::to_string(bailanys::rtc::srtp::kDefaultSrtpBackend);
  app.add_option("--srtp-backend", srtp_backend,
                 "the participants' SRTP implementation: openssl or libsrtp (the server picks its own)")
      ->check(CLI::IsMember({"openssl", "libsrtp"}))
      ->capture_default_str();
  app.add_option("--join-timeout", o.join_timeout_s, "seconds to wait for every stream to reach every subscriber")
      ->capture_default_str();
  app.add_option("--settle", o.settle_s,
                 "seconds between the warm-up (everyone receives everything) and the measured window: "
                 "lets the server's downlink estimates and allocations settle")
      ->capture_default_str();
  app.add_option("--name", o.name, "display-name prefix of the participants")->capture_default_str();
  app.add_option("--join-spread", o.join_spread_s,
                 "seconds over which the participants start, at even steps (0: all at once); join times "
                 "count from each one's own start")
      ->capture_default_str();
  app.add_option("--churn", o.churn_per_s,
                 "participants per second that leave during the window, each replaced 0.3 s later by a fresh "
                 "one of the same role in the same room (round-robin over rooms; 0: none)")
      ->capture_default_str();
  app.add_flag("--simulcast", o.simulcast,
               "publish the camera as three simulcast layers (rids q/h/f: 180p, 360p, 720p at "
               "--video-kbps/10,\n"
               "/3 and 1x, each its own SSRC); subscribers ask for the top layer (Bailanys: "
               "media.view with a\n"
               "720 px tile; Janus: substream 2)");
  app.add_flag("--switch-layers", o.switch_layers,
               "with --simulcast: every subscriber asks for the low layer, then the top one, "
               "alternating every\n"
               "2 s during the window, and reports the time to the new layer (layerSwitchMs)");
  CLI11_PARSE(app, argc, argv);
  o.srtp = srtp == "gcm" ? SrtpChoice::Gcm : srtp == "aes-cm" ? SrtpChoice::AesCm : SrtpChoice::Any;
  // Every session the participants make uses it; set before any of their threads starts.
  using bailanys::rtc::srtp::srtp_backend_from_string;
  bailanys::rtc::srtp::set_default_srtp_backend(
      srtp_backend_from_string(srtp_backend).value_or(bailanys::rtc::srtp::kDefaultSrtpBackend));

  if (const auto problem = options_problem(o); !problem.empty()) {
    std::fprintf(stderr, "bailanys-load: %s\n", problem.c_str());
    return kSetupFailed;
  }
  std::string error;
  const auto server = parse_server_url(o.url, error);
  if (!server) {
    std::fprintf(stderr, "bailanys-load: %s\n", error.c_str());
    return kSetupFailed;
  }
  spdlog::set_level(spdlog::level::warn);  // the engines log at debug/info
  bailanys::init_crypto();
  try {
    std::unique_ptr<SignalingAdapter> adapter;
    if (o.server == "janus") {
      // With churn a replacement may join before Janus has seen its predecessor go.
      const int spare = o.churn_per_s > 0 ? 4 + static_cast<int>(o.churn_per_s * o.leave_drain_s) : 0;
      adapter = std::make_unique<JanusAdapter>(*server, o.room, publisher_count(o) + spare);
    } else {
      adapter = std::make_unique<BailanysAdapter>(*server, o.room);
    }
    SignalingAdapter& signaling = *adapter;
    signaling.prepare(o.rooms);
    const RunResult r = run_load(o, signaling, o.json);
    std::fputs((o.json ? result_json(r) + "\n" : result_table(r)).c_str(), stdout);
    if (r.delivered == 0 || r.expected == 0) {
      std::fprintf(stderr, "bailanys-load: %s\n", nothing_flowed(r).c_str());
      return kNothingFlowed;
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bailanys-load: %s\n", e.what());
    return kSetupFailed;
  }
}
