#include "load_run.hpp"

#include "churn.hpp"
#include "common/random.hpp"
#include "crowd.hpp"
#include "loopback_baseline.hpp"
#include "tally.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <thread>

namespace bailanys::load {

namespace {

constexpr int kBaselineSamples = 300;

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

rtc::dtls::DtlsOptions dtls_options(SrtpChoice choice) {
  rtc::dtls::DtlsOptions o;
  if (choice == SrtpChoice::Gcm) o.profiles = {rtc::srtp::SrtpProfile::AeadAes128Gcm};
  if (choice == SrtpChoice::AesCm) o.profiles = {rtc::srtp::SrtpProfile::Aes128CmSha1_80};
  return o;
}

// Everyone else in the room who publishes: the streams each subscriber should get.
int expected_streams(const LoadOptions& o, bool self_publishes) {
  const int others = publisher_count(o) - (self_publishes ? 1 : 0);
  return others * (o.audio_only ? 1 : 2);
}

std::string joined(const std::vector<std::string>& codes) {
  std::string all;
  for (const auto& c : codes) all += (all.empty() ? "" : ",") + c;
  return all;
}

}  // namespace

RunResult run_load(const LoadOptions& o, SignalingAdapter& signaling, bool quiet) {
  const auto say = [quiet](const std::string& text) {
    if (!quiet) std::fprintf(stderr, "bailanys-load: %s\n", text.c_str());
  };
  RunResult r;
  r.server = signaling.server_name();
  r.url = o.url;
  r.room_codes = signaling.rooms();
  r.room = joined(r.room_codes);
  r.rooms = static_cast<int>(r.room_codes.size());
  r.participants = o.participants;
  r.publishers = publisher_count(o);
  r.threads = o.threads;
  r.video_kbps = o.video_kbps;
  r.audio_only = o.audio_only;
  r.duration_s = o.duration_s;
  r.loss_percent = o.loss_percent;
  r.join_spread_s = o.join_spread_s;
  r.churn_per_s = o.churn_per_s;
  r.simulcast = o.simulcast;
  r.switch_layers = o.switch_layers;

  r.baseline = measure_loopback_baseline(kBaselineSamples);
  const auto certificate =
      rtc::dtls::DtlsCertificate::generate();  // one per process, as a server has
  const auto run_id = static_cast<std::uint16_t>(random_below(0xFFFF) + 1);
  RunWindow window;
  Crowd crowd(o.threads);
  const int starters = r.rooms * o.participants;
  const auto make = [&](int index, std::size_t room, int slot, bool replacement) -> Participant& {
    ParticipantConfig c;
    c.index = index;
    c.room = room;
    c.replacement = replacement;
    c.name = o.name + "-" + std::to_string(index + 1);
    c.publishes = slot < publisher_count(o);
    c.audio_only = o.audio_only;
    c.video_kbps = o.video_kbps;
    c.loss_percent = o.loss_percent;
    c.run_id = run_id;
    c.expected_streams = expected_streams(o, c.publishes);
    c.dtls = dtls_options(o.srtp);
    c.simulcast = o.simulcast;
    c.switch_layers = o.switch_layers;
    // Switches spread over the interval by index among everyone at the start (a replacement
    // takes the turn of its index modulo that), as independent viewers would click.
    c.switch_phase_us = kSwitchIntervalUs * (index % starters) / starters;
    return crowd.add(std::move(c), signaling, certificate, window);
  };
  const auto rooms = static_cast<std::size_t>(r.rooms);
  const auto places = static_cast<std::size_t>(o.participants);
  std::vector<std::vector<Participant*>> occupants(rooms, std::vector<Participant*>(places));
  for (std::size_t room = 0; room < rooms; ++room) {
    for (std::size_t slot = 0; slot < places; ++slot) {
      occupants[room][slot] =
          &make(static_cast<int>(room * places + slot), room, static_cast<int>(slot), false);
    }
  }

  // Place by place over all rooms (the publishers first), at even steps over --join-spread.
  say("joining " + std::to_string(rooms * places) + " participants to " + std::to_string(rooms) +
      " room(s): " + r.room);
  const TimeUs started = now_us();
  const std::size_t everyone = rooms * places;
  const auto spread = static_cast<TimeUs>(o.join_spread_s * 1e6);
  std::size_t k = 0;
  for (std::size_t slot = 0; slot < places; ++slot) {
    for (std::size_t room = 0; room < rooms; ++room, ++k) {
      if (everyone > 1)
        sleep_until(started + spread * static_cast<TimeUs>(k) / static_cast<TimeUs>(everyone - 1));
      crowd.start(*occupants[room][slot]);
    }
  }

  // Warm-up: until everyone receives everything, or the timeout after the last start.
  const TimeUs join_deadline = now_us() + static_cast<TimeUs>(o.join_timeout_s * 1e6);
  while (now_us() < join_deadline) {
    const auto& people = crowd.people();
    const bool all = std::all_of(people.begin(), people.end(),
                                 [](const auto& p) { return p->warm() || p->failed(); });
    if (all) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const TimeUs window_start = now_us() + static_cast<TimeUs>(o.settle_s * 1e6);
  const TimeUs window_end = window_start + static_cast<TimeUs>(o.duration_s * 1e6);
  window.end.store(window_end);
  window.start.store(window_start);
  r.warmup_s = static_cast<double>(window_start - started) / 1e6;
  say("measuring for " + std::to_string(o.duration_s) + " s");
  sleep_until(window_start);
  const double cpu_before = cpu_seconds();
  if (o.churn_per_s > 0) {
    int next_index = static_cast<int>(everyone);
    Churn churn(o, crowd, std::move(occupants), [&](std::size_t room, int slot) -> Participant& {
      return make(next_index++, room, slot, true);
    });
    churn.run(window_start);
  }
  sleep_until(window_end);
  const double cpu_after = cpu_seconds();
  r.window_s = static_cast<double>(window_end - window_start) / 1e6;
  r.generator_cpu_percent = 100.0 * (cpu_after - cpu_before) / r.window_s;
  window.sending.store(false);
  sleep_until(window_end + static_cast<TimeUs>(o.drain_s * 1e6));

  crowd.close_and_stop();
  tally(r, crowd.people(), {window_start, window_end, static_cast<TimeUs>(o.join_timeout_s * 1e6)});
  return r;
}

}  // namespace bailanys::load
