#include "load_run.hpp"

#include "common/random.hpp"
#include "loopback_baseline.hpp"
#include "net/media_loop.hpp"
#include "participant.hpp"
#include "probe_payload.hpp"
#include "simulcast_accounting.hpp"
#include "simulcast_layers.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

namespace bailanys::load {

namespace {

constexpr auto kTick = std::chrono::milliseconds(2);
constexpr TimeUs kWindowLeadUs = 200'000;  // the window opens this far in the future
constexpr int kBaselineSamples = 300;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

void sleep_until(TimeUs t) {
  const TimeUs left = t - now_us();
  if (left > 0) std::this_thread::sleep_for(std::chrono::microseconds(left));
}

MilestoneSummary summarize(std::vector<double> values) {
  MilestoneSummary s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {
    const auto i = static_cast<std::size_t>(std::lround(q * static_cast<double>(values.size() - 1)));
    return values[std::min(i, values.size() - 1)];
  };
  s.count = static_cast<int>(values.size());
  s.p50 = at(0.5);
  s.p95 = at(0.95);
  s.max = values.back();
  return s;
}

rtc::dtls::DtlsOptions dtls_options(SrtpChoice choice) {
  rtc::dtls::DtlsOptions o;
  if (choice == SrtpChoice::Gcm) o.profiles = {rtc::srtp::SrtpProfile::AeadAes128Gcm};
  if (choice == SrtpChoice::AesCm) o.profiles = {rtc::srtp::SrtpProfile::Aes128CmSha1_80};
  return o;
}

// Everyone who publishes, and the streams each subscriber should get from the others.
int expected_streams(const LoadOptions& o, bool self_publishes) {
  const int others = publisher_count(o) - (self_publishes ? 1 : 0);
  return others * (o.audio_only ? 1 : 2);
}

void add_up(RunResult& r, const std::vector<std::unique_ptr<Participant>>& people, TimeUs window_start,
            TimeUs window_end) {
  // What each publisher sent inside the window, by stream id.
  std::map<std::uint32_t, const SentStream*> sent;
  std::map<std::uint32_t, const MediaSource*> simulcast;  // by the camera's track stream id
  for (const auto& p : people) {
    const MediaSource* s = p->source();
    if (s == nullptr) continue;
    std::vector<const SentStream*> streams = s->video_layers();
    streams.insert(streams.begin(), &s->audio());
    if (streams.size() > 2 && s->video().ssrc != 0) {  // audio and several layers
      simulcast[stream_track(s->video().stream_id)] = s;
    }
    for (const SentStream* stream : streams) {
      if (stream->ssrc == 0) continue;
      sent[stream->stream_id] = stream;
      (stream->video ? r.sent_video : r.sent_audio) += stream->window_packets();
      r.sent_bytes += stream->bytes;
      r.keyframes += stream->keyframes;
      r.keyframe_requests += stream->keyframe_requests;
    }
  }
  static const ReceivedStream kNothing;
  std::map<std::string, std::vector<double>> join;
  for (const auto& p : people) {
    SubscriberSummary sub;
    sub.name = p->config().name;
    sub.failed = p->failed();
    const MediaSink& sink = p->sink();
    for (const auto& [id, stream] : sent) {
      if (stream_publisher(id) == p->config().index) continue;  // not sent back to its publisher
      const auto layered = simulcast.find(stream_track(id));
      if (layered != simulcast.end() && stream_layer(id) != 0) continue;  // the camera counts once
      const auto got = sink.streams().find(stream_track(id));
      std::uint64_t expected = stream->window_packets();
      std::uint64_t delivered = 0;
      if (layered != simulcast.end()) {
        // One layer at a time: expected follows the layer being received
        // (simulcast_accounting.hpp).
        const auto a =
            account_simulcast(layered->second->sent_order(),
                              got != sink.streams().end() ? got->second : kNothing, kTopLayer);
        expected = a.expected;
        delivered = a.delivered;
        for (std::size_t l = 0; l < r.delivered_by_layer.size(); ++l) {
          r.delivered_by_layer[l] += a.delivered_by_layer[l];
          sub.delivered_by_layer[l] += a.delivered_by_layer[l];
        }
      }
      if (got != sink.streams().end()) {
        if (layered == simulcast.end())
          delivered = got->second.count_between(stream->window_first, stream->window_last);
        ++sub.streams;
        if (got->second.video) {
          sub.freezes += got->second.freezes;
          r.longest_gap_ms = std::max(r.longest_gap_ms, static_cast<double>(got->second.longest_gap) / 1000.0);
        }
      } else if (stream->video) {
        ++sub.freezes;  // nothing at all for the whole window
        r.longest_gap_ms = std::max(r.longest_gap_ms, static_cast<double>(window_end - window_start) / 1000.0);
      }
      sub.expected += expected;
      sub.delivered += delivered;
    }
    const LayerSwitches& switches = p->layer_switches();
    r.layer_switch.first_packet_ms.insert(r.layer_switch.first_packet_ms.end(),
                                          switches.first_packet_ms().begin(),
                                          switches.first_packet_ms().end());
    r.layer_switch.keyframe_ms.insert(r.layer_switch.keyframe_ms.end(),
                                      switches.keyframe_ms().begin(), switches.keyframe_ms().end());
    r.layer_switch.incomplete += switches.incomplete();
    r.layer_switch.already_there += switches.already_there();
    for (const auto& [id, stream] : sink.streams()) r.recovered += stream.retransmissions;
    const auto& m = p->milestones();
    if (m.first_keyframe != 0) sub.first_keyframe_ms = static_cast<double>(m.first_keyframe) / 1000.0;
    r.expected += sub.expected;
    r.delivered += sub.delivered;
    r.freezes += sub.freezes;
    r.latency.merge(sink.latency());
    const auto nack = sink.nack_counters();
    r.duplicates += nack.duplicates;
    r.nack_gaps += nack.gaps_detected;
    r.nack_requested += nack.requested;
    r.nack_abandoned += nack.abandoned;
    r.nack_packets += sink.counters().nack_packets;
    r.plis_sent += sink.counters().plis;
    r.unknown_ssrc += sink.counters().unknown_ssrc;
    r.dropped_on_purpose += p->receive_transport().counters().dropped_on_purpose;
    r.srtp_errors += p->receive_transport().counters().srtp_errors;
    r.duplicates += p->receive_transport().counters().srtp_replays;
    if (p->warm()) ++r.warm;
    const TimeUs values[] = {m.ws_open,     m.welcome,    m.subscribe_offer, m.publish_answer,
                             m.receive_ice, m.receive_dtls, m.publish_ice,   m.publish_dtls,
                             m.first_rtp,   m.first_keyframe, m.all_streams};
    for (std::size_t i = 0; i < milestone_names().size(); ++i) {
      if (values[i] != 0) join[milestone_names()[i]].push_back(static_cast<double>(values[i]) / 1000.0);
    }
    for (const auto& e : p->errors()) {
      if (r.errors.size() < 50) r.errors.push_back(p->config().name + ": " + e);
    }
    if (r.srtp_profile.empty()) {
      if (const auto profile = p->receive_transport().profile()) r.srtp_profile = rtc::srtp::to_string(*profile);
    }
    r.subscribers.push_back(std::move(sub));
  }
  for (const auto& name : milestone_names()) r.join[name] = summarize(join[name]);
}

}  // namespace

RunResult run_load(const LoadOptions& o, SignalingAdapter& signaling, bool quiet) {
  const auto say = [quiet](const std::string& text) {
    if (!quiet) std::fprintf(stderr, "bailanys-load: %s\n", text.c_str());
  };
  RunResult r;
  r.server = signaling.server_name();
  r.url = o.url;
  r.room = signaling.room();
  r.participants = o.participants;
  r.publishers = publisher_count(o);
  r.threads = o.threads;
  r.video_kbps = o.video_kbps;
  r.audio_only = o.audio_only;
  r.duration_s = o.duration_s;
  r.loss_percent = o.loss_percent;
  r.simulcast = o.simulcast;
  r.switch_layers = o.switch_layers;

  r.baseline = measure_loopback_baseline(kBaselineSamples);
  const auto certificate = rtc::dtls::DtlsCertificate::generate();  // one per process, as a server has
  const auto run_id = static_cast<std::uint16_t>(random_below(0xFFFF) + 1);
  RunWindow window;

  std::vector<std::unique_ptr<net::MediaLoop>> loops;
  loops.reserve(static_cast<std::size_t>(o.threads));
  std::vector<std::vector<Participant*>> on_loop(static_cast<std::size_t>(o.threads));
  for (int i = 0; i < o.threads; ++i) loops.push_back(std::make_unique<net::MediaLoop>("load-" + std::to_string(i)));

  std::vector<std::unique_ptr<Participant>> people;
  people.reserve(static_cast<std::size_t>(o.participants));
  for (int i = 0; i < o.participants; ++i) {
    ParticipantConfig c;
    c.index = i;
    c.name = o.name + "-" + std::to_string(i + 1);
    c.publishes = i < publisher_count(o);
    c.audio_only = o.audio_only;
    c.video_kbps = o.video_kbps;
    c.loss_percent = o.loss_percent;
    c.run_id = run_id;
    c.expected_streams = expected_streams(o, c.publishes);
    c.dtls = dtls_options(o.srtp);
    c.simulcast = o.simulcast;
    c.switch_layers = o.switch_layers;
    // Subscribers' switches spread over the interval, as independent viewers would click.
    c.switch_phase_us = kSwitchIntervalUs * i / o.participants;
    const auto t = static_cast<std::size_t>(i % o.threads);
    people.push_back(std::make_unique<Participant>(std::move(c), *loops[t], signaling, certificate, window));
    on_loop[t].push_back(people.back().get());
  }
  for (std::size_t t = 0; t < loops.size(); ++t) {
    loops[t]->every(kTick, [list = on_loop[t]] {
      const TimeUs now = now_us();
      for (Participant* p : list) p->on_tick(now);
    });
    loops[t]->start();
  }
  const TimeUs started = now_us();
  for (std::size_t t = 0; t < loops.size(); ++t) {
    for (Participant* p : on_loop[t]) loops[t]->post([p] { p->start(); });
  }
  say("joining " + std::to_string(o.participants) + " participants to room " + r.room);

  // Warm-up: until everyone receives everything, or the timeout.
  const TimeUs join_deadline = started + static_cast<TimeUs>(o.join_timeout_s * 1e6);
  while (now_us() < join_deadline) {
    const bool all = std::all_of(people.begin(), people.end(),
                                 [](const auto& p) { return p->warm() || p->failed(); });
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const TimeUs window_start = now_us() + kWindowLeadUs;
  const TimeUs window_end = window_start + static_cast<TimeUs>(o.duration_s * 1e6);
  window.end.store(window_end);
  window.start.store(window_start);
  r.warmup_s = static_cast<double>(window_start - started) / 1e6;
  say("measuring for " + std::to_string(o.duration_s) + " s");
  sleep_until(window_start);
  const double cpu_before = cpu_seconds();
  sleep_until(window_end);
  const double cpu_after = cpu_seconds();
  r.window_s = static_cast<double>(window_end - window_start) / 1e6;
  r.generator_cpu_percent = 100.0 * (cpu_after - cpu_before) / r.window_s;
  window.sending.store(false);
  sleep_until(window_end + static_cast<TimeUs>(o.drain_s * 1e6));

  // Close in two phases: leave (close_notify, WebSocket close) on each loop, let the aborted
  // handlers run, then stop the loops; objects go away only after their loop thread ended.
  for (std::size_t t = 0; t < loops.size(); ++t) {
    loops[t]->post([list = on_loop[t]] {
      for (Participant* p : list) p->close();
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  for (auto& loop : loops) loop->stop();
  for (auto& loop : loops) loop->join();
  for (auto& p : people) p->finish(window_start, window_end);
  add_up(r, people, window_start, window_end);
  people.clear();
  loops.clear();
  return r;
}

}  // namespace bailanys::load
