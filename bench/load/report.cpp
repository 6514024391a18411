#include "report.hpp"

#include "simulcast_layers.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace bailanys::load {

using nlohmann::json;

namespace {

double ms(std::int64_t micros) { return static_cast<double>(micros) / 1000.0; }
double round_to(double v, double scale) {
  return static_cast<double>(std::llround(v * scale)) / scale;
}
double round3(double v) { return round_to(v, 1e3); }
double round6(double v) { return round_to(v, 1e6); }

double per_second(std::uint64_t n, double seconds) {
  return seconds > 0 ? round3(static_cast<double>(n) / seconds) : 0.0;
}

// What the server adds: a quantile of the measured one-way latency minus the median of the
// loopback baseline (the kernel and our own event loop), never below zero.
double added_ms(const RunResult& r, double q) {
  return std::max(0.0, ms(r.latency.quantile(q)) - ms(r.baseline.quantile(0.5)));
}

double ratio(std::uint64_t delivered, std::uint64_t expected) {
  return expected == 0 ? 0.0 : round6(static_cast<double>(delivered) / static_cast<double>(expected));
}

json summary_json(const MilestoneSummary& s) {
  return {{"count", s.count}, {"p50", round3(s.p50)}, {"p95", round3(s.p95)}, {"max", round3(s.max)}};
}

json milestones_json(const std::map<std::string, MilestoneSummary>& m) {
  json out = json::object();
  for (const auto& name : milestone_names()) {
    const auto it = m.find(name);
    if (it != m.end()) out[name] = summary_json(it->second);
  }
  return out;
}

json rooms_json(const RunResult& r) {
  json rooms = json::array();
  for (const auto& room : r.per_room) {
    rooms.push_back({{"room", room.code},
                     {"expected", room.expected},
                     {"delivered", room.delivered},
                     {"deliveredRatio", ratio(room.delivered, room.expected)},
                     {"freezes", room.freezes},
                     {"maxGapMs", round3(room.longest_gap_ms)}});
  }
  return rooms;
}

json churn_json(const RunResult& r) {
  const ChurnSummary& c = r.churn;
  return {{"perSecond", r.churn_per_s},
          {"left", c.left},
          {"joined", c.joined},
          {"joinMs", milestones_json(c.join)},
          {"receivedByOthersMs", summary_json(c.received_by_others)},
          {"stable",
           {{"expected", c.stable_expected},
            {"delivered", c.stable_delivered},
            {"deliveredRatio", ratio(c.stable_delivered, c.stable_expected)}}}};
}

void add_milestone_rows(std::string& t, const std::map<std::string, MilestoneSummary>& m) {
  for (const auto& name : milestone_names()) {
    const auto it = m.find(name);
    if (it == m.end()) continue;
    t += fmt::format("  {:<26}{:>7}{:>9.1f}{:>9.1f}{:>9.1f}\n", name, it->second.count, it->second.p50,
                     it->second.p95, it->second.max);
  }
}

// Per-layer packet counts as {"q": n, "h": n, "f": n}.
json layers_json(const std::array<std::uint64_t, 4>& counts) {
  json out = json::object();
  for (std::size_t i = 0; i < kLayers.size(); ++i) out[kLayers[i].rid] = counts[i];
  return out;
}

}  // namespace

std::string result_json(const RunResult& r) {
  const json join = milestones_json(r.join);
  json subscribers = json::array();
  for (const auto& s : r.subscribers) {
    subscribers.push_back(
        {{"name", s.name},
         {"expected", s.expected},
         {"delivered", s.delivered},
         {"deliveredRatio", ratio(s.delivered, s.expected)},
         {"freezes", s.freezes},
         {"streams", s.streams},
         {"firstKeyframeMs", s.first_keyframe_ms ? json(round3(*s.first_keyframe_ms)) : json(nullptr)},
         {"failed", s.failed},
         {"room", s.room},
         {"replacement", s.replacement},
         {"left", s.left}});
    if (r.simulcast) subscribers.back()["layerPackets"] = layers_json(s.delivered_by_layer);
  }
  const std::uint64_t sent = r.sent_audio + r.sent_video;
  json out = {
      {"server", r.server},
      {"url", r.url},
      {"room", r.room},
      {"rooms", r.rooms},
      {"participants", r.participants},
      {"publishers", r.publishers},
      {"threads", r.threads},
      {"durationS", r.duration_s},
      {"videoKbps", r.audio_only ? 0 : r.video_kbps},
      {"audioOnly", r.audio_only},
      {"injectedLossPercent", r.loss_percent},
      {"srtpProfile", r.srtp_profile},
      {"joinSpreadS", r.join_spread_s},
      {"warm", r.warm},
      {"warmupS", round3(r.warmup_s)},
      {"windowS", round3(r.window_s)},
      {"sent",
       {{"packets", sent},
        {"audioPackets", r.sent_audio},
        {"videoPackets", r.sent_video},
        {"payloadBytes", r.sent_bytes},
        {"packetsPerSecond", per_second(sent, r.window_s)},
        {"keyframes", r.keyframes},
        {"keyframeRequestsReceived", r.keyframe_requests}}},
      {"received",
       {{"expected", r.expected},
        {"delivered", r.delivered},
        {"deliveredRatio", round6(r.delivered_ratio())},
        {"lossRatio", r.expected == 0 ? 1.0 : round6(1.0 - r.delivered_ratio())},
        {"packetsPerSecond", per_second(r.delivered, r.window_s)},
        {"recovered", r.recovered},
        {"duplicates", r.duplicates},
        {"unknownSsrc", r.unknown_ssrc},
        {"droppedOnPurpose", r.dropped_on_purpose},
        {"srtpErrors", r.srtp_errors}}},
      {"nack",
       {{"gaps", r.nack_gaps},
        {"nackPackets", r.nack_packets},
        {"requested", r.nack_requested},
        {"recovered", r.recovered},
        {"abandoned", r.nack_abandoned},
        {"plisSent", r.plis_sent}}},
      {"freezes", {{"count", r.freezes}, {"longestGapMs", round3(r.longest_gap_ms)}}},
      {"maxGapMs", round3(r.longest_gap_ms)},
      {"latencyMs",
       {{"samples", r.latency.count()},
        {"mean", round3(r.latency.mean() / 1000.0)},
        {"p50", ms(r.latency.quantile(0.50))},
        {"p99", ms(r.latency.quantile(0.99))},
        {"p999", ms(r.latency.quantile(0.999))},
        {"max", ms(r.latency.max())}}},
      {"addedLatencyMs",
       {{"p50", round3(added_ms(r, 0.50))},
        {"p99", round3(added_ms(r, 0.99))},
        {"p999", round3(added_ms(r, 0.999))}}},
      {"loopbackBaselineMs",
       {{"samples", r.baseline.count()},
        {"p50", ms(r.baseline.quantile(0.50))},
        {"p99", ms(r.baseline.quantile(0.99))},
        {"max", ms(r.baseline.max())}}},
      {"joinMs", join},
      {"perRoom", rooms_json(r)},
      {"churn", churn_json(r)},
      {"generatorCpuPercent", round3(r.generator_cpu_percent)},
      {"subscribers", subscribers},
      {"errors", r.errors},
  };
  out["simulcast"] = r.simulcast;
  if (r.simulcast)
    out["simulcastLayers"] = {{"deliveredPackets", layers_json(r.delivered_by_layer)}};
  if (r.switch_layers) {
    out["layerSwitchMs"] = {{"firstPacket", summary_json(r.layer_switch.first_packet)},
                            {"keyframe", summary_json(r.layer_switch.keyframe)},
                            {"incomplete", r.layer_switch.incomplete},
                            {"alreadyThere", r.layer_switch.already_there}};
  }
  return out.dump(2);
}

std::string result_table(const RunResult& r) {
  std::string t;
  const std::uint64_t sent = r.sent_audio + r.sent_video;
  t += fmt::format("bailanys-load against {} at {}, room {}\n", r.server, r.url, r.room);
  if (r.rooms > 1) t += fmt::format("  {} rooms, each with:\n", r.rooms);
  t += fmt::format("  {} participants ({} publishing{}), {} thread(s), SRTP {}\n", r.participants,
                   r.publishers,
                   r.audio_only ? ", audio only" : fmt::format(", video {} kbit/s", r.video_kbps),
                   r.threads, r.srtp_profile.empty() ? "(none)" : r.srtp_profile);
  t += fmt::format("  warm-up {:.2f} s ({} of {} received every stream), window {:.2f} s{}\n",
                   r.warmup_s, r.warm, r.participants * r.rooms, r.window_s,
                   r.loss_percent > 0 ? fmt::format(", {}% loss injected at subscribers", r.loss_percent) : "");
  t += "\n";
  t += fmt::format("  {:<28}{:>14}\n", "sent packets (window)", sent);
  t += fmt::format("  {:<28}{:>14.1f}\n", "  per second", per_second(sent, r.window_s));
  t += fmt::format("  {:<28}{:>14}\n", "  audio / video", fmt::format("{} / {}", r.sent_audio, r.sent_video));
  t += fmt::format("  {:<28}{:>14}\n", "  keyframes (requests)", fmt::format("{} ({})", r.keyframes, r.keyframe_requests));
  t += fmt::format("  {:<28}{:>14}\n", "expected at subscribers", r.expected);
  t += fmt::format("  {:<28}{:>14}\n", "delivered", r.delivered);
  t += fmt::format("  {:<28}{:>14.4f}\n", "delivered ratio", r.delivered_ratio());
  t += fmt::format("  {:<28}{:>14.1f}\n", "delivered per second", per_second(r.delivered, r.window_s));
  t += fmt::format("  {:<28}{:>14}\n", "NACKed / recovered / lost",
                   fmt::format("{} / {} / {}", r.nack_gaps, r.recovered, r.nack_abandoned));
  t += fmt::format("  {:<28}{:>14}\n", "freezes (> 500 ms)", r.freezes);
  t += fmt::format("  {:<28}{:>14.1f}\n", "longest video gap, ms", r.longest_gap_ms);
  t += fmt::format("  {:<28}{:>14}\n", "latency ms p50/p99/p99.9",
                   fmt::format("{:.2f}/{:.2f}/{:.2f}", ms(r.latency.quantile(0.5)),
                               ms(r.latency.quantile(0.99)), ms(r.latency.quantile(0.999))));
  t += fmt::format("  {:<28}{:>14.2f}\n", "latency max, ms", ms(r.latency.max()));
  t += fmt::format("  {:<28}{:>14}\n", "added ms p50/p99/p99.9",
                   fmt::format("{:.2f}/{:.2f}/{:.2f}", added_ms(r, 0.5), added_ms(r, 0.99), added_ms(r, 0.999)));
  t += fmt::format("  {:<28}{:>14}\n", "loopback baseline p50/p99",
                   fmt::format("{:.3f}/{:.3f}", ms(r.baseline.quantile(0.5)), ms(r.baseline.quantile(0.99))));
  t += fmt::format("  {:<28}{:>14.1f}\n", "generator CPU, % of a core", r.generator_cpu_percent);
  if (r.simulcast) {
    t += fmt::format("  {:<28}{:>14}\n", "delivered per layer q/h/f",
                     fmt::format("{}/{}/{}", r.delivered_by_layer[0], r.delivered_by_layer[1],
                                 r.delivered_by_layer[2]));
  }
  if (r.switch_layers) {
    const MilestoneSummary& fp = r.layer_switch.first_packet;
    const MilestoneSummary& kf = r.layer_switch.keyframe;
    t += fmt::format("  {:<28}{:>14}\n", "layer switches (incomplete)",
                     fmt::format("{} ({})", fp.count, r.layer_switch.incomplete));
    t += fmt::format("  {:<28}{:>14}\n", "  first packet ms p50/p95",
                     fmt::format("{:.1f}/{:.1f}", fp.p50, fp.p95));
    t += fmt::format("  {:<28}{:>14}\n", "  keyframe ms p50/p95",
                     fmt::format("{:.1f}/{:.1f}", kf.p50, kf.p95));
  }
  t += "\n  join, ms after start        count      p50      p95      max\n";
  add_milestone_rows(t, r.join);
  if (r.churn_per_s > 0) {
    const ChurnSummary& c = r.churn;
    t += fmt::format("\n  churn {}/s: {} left, {} joined; pairs there all along: {} of {} delivered\n",
                     r.churn_per_s, c.left, c.joined, c.stable_delivered, c.stable_expected);
    t += "  replacements, ms after start count      p50      p95      max\n";
    add_milestone_rows(t, c.join);
    t += fmt::format("  {:<26}{:>7}{:>9.1f}{:>9.1f}{:>9.1f}\n", "receivedByOthers", c.received_by_others.count,
                     c.received_by_others.p50, c.received_by_others.p95, c.received_by_others.max);
  }
  if (!r.errors.empty()) {
    t += "\n  errors:\n";
    for (const auto& e : r.errors) t += "    " + e + "\n";
  }
  return t;
}

}  // namespace bailanys::load
