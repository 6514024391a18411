// One meeting room on a media worker (issue 4): its participants, each with a publish transport
// (the browser sends its tracks; the browser offers) and a receive transport (the server sends
// everyone else's tracks; the server offers and re-offers as tracks come and go). Everything
// runs on the worker's thread; commands come from MediaWorker, results go out as RoomEvents.
// docs/MEDIA.md follows a packet through here.
#pragma once

#include "common/clock.hpp"
#include "sfu/active_speaker.hpp"
#include "sfu/down_track.hpp"
#include "sfu/keyframe_request_limiter.hpp"
#include "sfu/published_track.hpp"
#include "sfu/room_host.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bailanys::sfu {

struct AllocationTrack;
struct TrackAllocation;

struct RoomCounters {
  std::uint64_t rtp_in = 0;
  std::uint64_t rtp_unknown_stream = 0;
  std::uint64_t rtp_out = 0;
  std::uint64_t keyframe_requests = 0;
  std::uint64_t sender_reports = 0;
  std::uint64_t retransmitted = 0;
};

class Room {
 public:
  Room(RoomId id, RoomHost& host, RoomOptions options);
  ~Room();
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  void join(const std::string& participant_id, TimeMs now);
  void leave(const std::string& participant_id);
  void publish(const std::string& participant_id, const std::string& offer_sdp,
               const TrackSources& sources, TimeMs now);
  void subscribe_answer(const std::string& participant_id, const std::string& answer_sdp,
                        std::uint64_t version, TimeMs now);
  // Adaptive quality (room_allocate.cpp).
  void set_view(const std::string& participant_id, const std::vector<TileView>& tiles, TimeMs now);
  void set_receive_prefs(const std::string& participant_id, const ReceivePrefs& prefs, TimeMs now);
  void set_video_cap(VideoCap cap, TimeMs now);
  void on_timer(TimeMs now);
  // Every few ms: sends the due part of running bandwidth probes.
  void on_pace(TimeMs now);
  // Closes every transport (server shutdown).
  void close();

  [[nodiscard]] bool empty() const { return participants_.empty(); }
  [[nodiscard]] std::size_t size() const { return participants_.size(); }
  [[nodiscard]] RoomId id() const { return id_; }
  [[nodiscard]] const RoomCounters& counters() const { return counters_; }

 private:
  struct Participant;
  class TransportHook;
  // Where a publisher's SSRC goes: a track and one of its layers.
  struct StreamRef {
    PublishedTrack* track = nullptr;
    int layer = 0;
  };

  // One m-section of a subscriber's receive offer.
  struct ReceiveSlot {
    std::string mid;
    sdp::MediaKind kind = sdp::MediaKind::Audio;
    std::unique_ptr<DownTrack> down;  // null: inactive
    bool inactive_in_last_offer = false;
    bool reusable = false;  // the browser answered it inactive: a new track may take it
    // Since when the allocator has wanted this video paused for bandwidth while it was still
    // forwarded (-1: not short). See kPauseHoldMs in room_allocate.cpp.
    TimeMs short_since = -1;
  };

  Participant* find(const std::string& participant_id);
  void remove(Participant& p, bool failed);
  void destroy_transports(Participant& p);

  // Publish side (room_publish.cpp).
  void reconcile_tracks(Participant& p, const std::vector<sdp::NegotiatedSection>& sections,
                        const TrackSources& sources);
  void add_track(Participant& p, std::unique_ptr<PublishedTrack> track);
  void remove_track(Participant& p, PublishedTrack& track);
  void on_publisher_rtp(Participant& p, rtc::rtp::RtpPacket& packet, TimeMs now);
  void on_publisher_rtcp(Participant& p, std::span<const std::uint8_t> compound, TimeMs now);
  StreamRef track_for(Participant& p, const rtc::rtp::RtpPacket& packet);
  void forget_layers(Participant& p, PublishedTrack& track);
  static void count_received(TrackLayer& layer, const rtc::rtp::RtpPacket& packet, TimeMs now);
  // A keyframe of one layer, within the per-stream and per-publisher limits. `waiting`: for a
  // subscriber with no picture of it yet (KeyframeRequestLimiter::kAnsweredIntervalMs).
  void request_keyframe(PublishedTrack& track, int layer, TimeMs now, bool waiting);
  void send_pli(PublishedTrack& track, std::uint32_t ssrc);
  // Sends a packet written into scratch_ through the DownTrack's transport, numbered for
  // transport-wide feedback when the subscriber negotiated it. `now_us`: the caller reads the
  // clock once for a whole fan-out.
  // Whether the RTP packet at the start of scratch_ carries the DownTrack's own SSRC (not RTX).
  [[nodiscard]] bool scratch_has_ssrc_of(const DownTrack& down, std::size_t size) const;
  // `resend`: a retransmission under the packet's own SSRC (not RTX), sent as stored.
  bool send_down(DownTrack& down, std::size_t size, std::int64_t now_us, int probe_cluster = -1,
                 bool resend = false);
  void send_publisher_feedback(Participant& p);

  // Adaptive quality (room_allocate.cpp): layer measurements, allocation per subscriber,
  // probes and quality reports, from the timer.
  void adapt(TimeMs now);
  void measure_layers(TimeMs now);
  void allocate(Participant& p, TimeMs now);
  // Keeps a forwarded video at its lowest layer through a short bandwidth dip instead of pausing
  // it (kPauseHoldMs); `left_bps` is the budget the allocation left over.
  void hold_before_pause(ReceiveSlot& slot, const AllocationTrack& track, TrackAllocation& a,
                         std::uint64_t& left_bps, TimeMs now);
  void send_probe(Participant& p, TimeMs now);
  void report_quality(TimeMs now);

  // Receive side (room_subscribe.cpp).
  void subscribe(Participant& subscriber, PublishedTrack& track);
  void unsubscribe(Participant& subscriber, DownTrack& down);
  void flush_offers();
  void send_offer(Participant& p);
  void on_subscriber_rtcp(Participant& p, std::span<const std::uint8_t> compound, TimeMs now);
  ReceiveSlot* slot_by_ssrc(Participant& p, std::uint32_t ssrc);

  void error(const std::string& participant_id, std::string code, std::string message,
             std::string ref);
  void send_rtcp(rtc::transport::WebRtcTransport& transport,
                 std::span<const std::uint8_t> compound);
  // The part of scratch_ a packet may fill, leaving room for SRTP's tag.
  [[nodiscard]] std::span<std::uint8_t> writable();

  RoomId id_;
  RoomHost& host_;
  RoomOptions options_;
  std::unordered_map<std::string, std::unique_ptr<Participant>> participants_;
  std::uint64_t next_key_ = 1;
  ActiveSpeakerDetector speakers_;
  std::optional<std::string> speaker_;
  std::vector<std::string> recent_speakers_;  // most recent first
  TimeMs last_speaker_update_ = 0;
  KeyframeRequestLimiter keyframes_;
  std::uint32_t rtcp_ssrc_;  // the sender SSRC of our own RTCP (PLI)
  RoomCounters counters_;
  VideoCap video_cap_ = VideoCap::High;
  TimeMs last_measure_ = 0, last_allocate_ = 0, last_quality_ = 0, last_quality_sent_ = 0;
  std::vector<ParticipantQuality> last_quality_levels_;
  alignas(16) std::array<std::uint8_t, 2048 + 256> scratch_{};
};

}  // namespace bailanys::sfu
