#include "tally.hpp"

#include "probe_payload.hpp"
#include "simulcast_accounting.hpp"
#include "simulcast_layers.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bailanys::load {

namespace {

constexpr TimeUs kNever = std::numeric_limits<TimeUs>::max();

double ms_of(TimeUs micros) { return static_cast<double>(micros) / 1000.0; }

// What one subscriber should have got of one stream, and what it got.
struct PairCount {
  std::uint64_t expected = 0, delivered = 0, freezes = 0;
  TimeUs longest_gap = 0;
  std::array<std::uint64_t, 4> delivered_by_layer{};  // a simulcast camera's, per layer
};

// The publisher sends this camera as simulcast layers (sent: its top layer).
bool layered(const MediaSource& source, const SentStream& sent) {
  return sent.video && source.video_layers().size() > 1;
}

PairCount count_pair(const Participant& sub, const Participant& pub, const SentStream& sent,
                     const TallyWindow& w) {
  PairCount c;
  const bool churned = sub.config().replacement || pub.config().replacement;
  const TimeUs sub_left = sub.left_at() != 0 ? sub.left_at() : kNever;
  const TimeUs pub_left = pub.left_at() != 0 ? pub.left_at() : kNever;
  const TimeUs t_to = std::min({w.end, sub_left, pub_left});
  const auto& streams = sub.sink().streams();
  const auto found = streams.find(stream_track(sent.stream_id));
  const ReceivedStream* got = found == streams.end() ? nullptr : &found->second;
  const bool started = got != nullptr && got->start_number >= 0;

  TimeUs t_from = w.start;
  std::int64_t n_from = sent.window_first;
  if (churned && started) {
    t_from = std::max(w.start, sent.video ? got->first_keyframe : got->first_packet);
    n_from = std::max(n_from, got->start_number);
  } else if (churned) {
    t_from = std::max(w.start, std::max(sub.started_at(), pub.started_at()) + w.join_timeout);
    n_from = sent.first_sent_at(t_from);
  }
  if (t_to <= t_from) return c;
  if (layered(*pub.source(), sent)) {
    // One layer at a time: expected follows the layer the subscriber is on
    // (simulcast_accounting.hpp), between the same bounds, by send time.
    static const ReceivedStream kNothing;
    const TimeUs from = !churned ? 0 : started ? got->start_sent : t_from;
    const LayerAccount a = account_simulcast(
        pub.source()->sent_order(), got != nullptr ? *got : kNothing, kTopLayer, from, sub_left);
    c.expected = a.expected;
    c.delivered = a.delivered;
    c.delivered_by_layer = a.delivered_by_layer;
  } else {
    const std::int64_t n_to =
        sub_left != kNever ? sent.first_sent_at(sub_left) - 1 : sent.window_last;
    if (sent.window_first >= 0 && n_to >= n_from) {
      c.expected = static_cast<std::uint64_t>(n_to - n_from + 1);
      if (got != nullptr) c.delivered = got->count_between(n_from, n_to);
    }
  }
  if (!sent.video) return c;
  if (got == nullptr || got->first_in_window == 0) {
    c.freezes = 1;  // nothing of the window at all
    c.longest_gap = t_to - t_from;
    return c;
  }
  // The gaps between packets (the sink's), and at both edges of the time both were there.
  const TimeUs head = got->first_in_window - t_from;
  const TimeUs tail = t_to - got->last_in_window;
  c.freezes = got->freezes + (head > kFreezeGapUs ? 1 : 0) + (tail > kFreezeGapUs ? 1 : 0);
  c.longest_gap = std::max({got->longest_gap, head, tail, TimeUs{0}});
  return c;
}

void add_milestones(std::map<std::string, std::vector<double>>& join, const Milestones& m) {
  const TimeUs values[] = {m.ws_open,     m.welcome,        m.subscribe_offer, m.publish_answer,
                           m.receive_ice, m.receive_dtls,   m.publish_ice,     m.publish_dtls,
                           m.first_rtp,   m.first_keyframe, m.all_streams};
  for (std::size_t i = 0; i < milestone_names().size(); ++i) {
    if (values[i] != 0) join[milestone_names()[i]].push_back(ms_of(values[i]));
  }
}

// ms from a replacement publisher's start until each participant that was in its room then had
// every stream of it started (one that left before getting them aside); nullopt when one that
// stayed never had, or nobody was there.
std::optional<double> received_by_others(const Participant& pub,
                                         const std::vector<std::unique_ptr<Participant>>& people) {
  const MediaSource* source = pub.source();
  const TimeUs start = pub.started_at();
  TimeUs last = 0;
  for (const auto& p : people) {
    const bool there = p->started_at() != 0 && p->started_at() < start &&
                       (p->left_at() == 0 || p->left_at() > start);
    if (p.get() == &pub || p->config().room != pub.config().room || !there) continue;
    for (const SentStream* s : {&source->audio(), &source->video()}) {
      if (s->ssrc == 0) continue;
      const auto got = p->sink().streams().find(stream_track(s->stream_id));
      if (got == p->sink().streams().end() || got->second.start_number < 0) {
        if (p->left_at() != 0) break;  // gone before it got them
        return std::nullopt;
      }
      last = std::max(last, s->video ? got->second.first_keyframe : got->second.first_packet);
    }
  }
  return last == 0 ? std::nullopt : std::optional(ms_of(last - start));
}

void add_sent(RunResult& r, const MediaSource& s) {
  std::vector<const SentStream*> streams = s.video_layers();  // every simulcast layer
  streams.insert(streams.begin(), &s.audio());
  for (const SentStream* stream : streams) {
    if (stream->ssrc == 0) continue;
    (stream->video ? r.sent_video : r.sent_audio) += stream->window_packets();
    r.sent_bytes += stream->bytes;
    r.keyframes += stream->keyframes;
    r.keyframe_requests += stream->keyframe_requests;
  }
}

void add_receiver_counters(RunResult& r, const Participant& p) {
  const MediaSink& sink = p.sink();
  for (const auto& [id, stream] : sink.streams()) r.recovered += stream.retransmissions;
  r.latency.merge(sink.latency());
  const auto nack = sink.nack_counters();
  r.duplicates += nack.duplicates;
  r.nack_gaps += nack.gaps_detected;
  r.nack_requested += nack.requested;
  r.nack_abandoned += nack.abandoned;
  r.nack_packets += sink.counters().nack_packets;
  r.plis_sent += sink.counters().plis;
  r.unknown_ssrc += sink.counters().unknown_ssrc;
  r.dropped_on_purpose += p.receive_transport().counters().dropped_on_purpose;
  r.srtp_errors += p.receive_transport().counters().srtp_errors;
  r.duplicates += p.receive_transport().counters().srtp_replays;
  for (const auto& e : p.errors()) {
    if (r.errors.size() < 50) r.errors.push_back(p.config().name + ": " + e);
  }
  if (r.srtp_profile.empty()) {
    if (const auto profile = p.receive_transport().profile())
      r.srtp_profile = rtc::srtp::to_string(*profile);
  }
}

}  // namespace

MilestoneSummary summarize(std::vector<double> values) {
  MilestoneSummary s;
  if (values.empty()) return s;
  std::sort(values.begin(), values.end());
  const auto at = [&](double q) {
    const auto i =
        static_cast<std::size_t>(std::lround(q * static_cast<double>(values.size() - 1)));
    return values[std::min(i, values.size() - 1)];
  };
  s.count = static_cast<int>(values.size());
  s.p50 = at(0.5);
  s.p95 = at(0.95);
  s.max = values.back();
  return s;
}

void tally(RunResult& r, const std::vector<std::unique_ptr<Participant>>& people,
           const TallyWindow& w) {
  r.per_room.assign(r.room_codes.size(), RoomSummary{});
  for (std::size_t i = 0; i < r.room_codes.size(); ++i) r.per_room[i].code = r.room_codes[i];
  for (const auto& p : people) {
    if (p->source() != nullptr) add_sent(r, *p->source());
  }
  std::map<std::string, std::vector<double>> join, churn_join;
  std::vector<double> seen_by_others, switch_first_packet, switch_keyframe;
  for (const auto& sub : people) {
    SubscriberSummary s;
    s.name = sub->config().name;
    s.failed = sub->failed();
    s.room = sub->config().room;
    s.replacement = sub->config().replacement;
    s.left = sub->left_at() != 0;
    RoomSummary& room = r.per_room.at(s.room);
    const bool stable_sub = !s.replacement && !s.left;
    for (const auto& pub : people) {
      if (pub == sub || pub->config().room != s.room || pub->source() == nullptr) continue;
      const bool stable_pair = stable_sub && !pub->config().replacement && pub->left_at() == 0;
      for (const SentStream* sent : {&pub->source()->audio(), &pub->source()->video()}) {
        if (sent->ssrc == 0) continue;
        const PairCount c = count_pair(*sub, *pub, *sent, w);
        if (sub->sink().streams().contains(stream_track(sent->stream_id))) ++s.streams;
        for (std::size_t l = 0; l < c.delivered_by_layer.size(); ++l) {
          s.delivered_by_layer[l] += c.delivered_by_layer[l];
          r.delivered_by_layer[l] += c.delivered_by_layer[l];
        }
        s.expected += c.expected;
        s.delivered += c.delivered;
        s.freezes += c.freezes;
        room.longest_gap_ms = std::max(room.longest_gap_ms, ms_of(c.longest_gap));
        if (stable_pair) {
          r.churn.stable_expected += c.expected;
          r.churn.stable_delivered += c.delivered;
        }
      }
    }
    const auto& m = sub->milestones();
    if (m.first_keyframe != 0) s.first_keyframe_ms = ms_of(m.first_keyframe);
    room.expected += s.expected;
    room.delivered += s.delivered;
    room.freezes += s.freezes;
    r.expected += s.expected;
    r.delivered += s.delivered;
    r.freezes += s.freezes;
    r.longest_gap_ms = std::max(r.longest_gap_ms, room.longest_gap_ms);
    add_receiver_counters(r, *sub);
    const LayerSwitches& switches = sub->layer_switches();
    switch_first_packet.insert(switch_first_packet.end(), switches.first_packet_ms().begin(),
                               switches.first_packet_ms().end());
    switch_keyframe.insert(switch_keyframe.end(), switches.keyframe_ms().begin(),
                           switches.keyframe_ms().end());
    r.layer_switch.incomplete += switches.incomplete();
    r.layer_switch.already_there += switches.already_there();
    if (s.replacement) {
      ++r.churn.joined;
      add_milestones(churn_join, m);
      if (sub->source() != nullptr) {
        if (const auto ms = received_by_others(*sub, people)) seen_by_others.push_back(*ms);
      }
    } else {
      if (sub->warm()) ++r.warm;
      add_milestones(join, m);
    }
    if (s.left) ++r.churn.left;
    r.subscribers.push_back(std::move(s));
  }
  for (const auto& name : milestone_names()) {
    r.join[name] = summarize(join[name]);
    if (r.churn_per_s > 0) r.churn.join[name] = summarize(churn_join[name]);
  }
  r.churn.received_by_others = summarize(std::move(seen_by_others));
  r.layer_switch.first_packet = summarize(std::move(switch_first_packet));
  r.layer_switch.keyframe = summarize(std::move(switch_keyframe));
}

}  // namespace bailanys::load
