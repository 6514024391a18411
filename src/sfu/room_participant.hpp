// A participant's state inside Room (private to room*.cpp).
#pragma once

#include "rtc/ice/ice_lite_agent.hpp"
#include "sfu/bwe/twcc_recorder.hpp"
#include "sfu/send_side.hpp"
#include "sdp/session_description.hpp"
#include "sfu/room.hpp"

#include <unordered_map>

namespace bailanys::sfu {

class Room::TransportHook final : public rtc::transport::WebRtcTransportListener {
 public:
  TransportHook(Room& room, Participant& participant, bool publish)
      : room_(room), participant_(participant), publish_(publish) {}

  void on_transport_connected(rtc::transport::WebRtcTransport& transport) override;
  void on_transport_failed(rtc::transport::WebRtcTransport& transport,
                           std::string_view reason) override;
  void on_rtp(rtc::transport::WebRtcTransport& transport, rtc::rtp::RtpPacket& packet,
              std::span<std::uint8_t> buffer, TimeMs now) override;
  void on_rtcp(rtc::transport::WebRtcTransport& transport, std::span<const std::uint8_t> compound,
               TimeMs now) override;

 private:
  Room& room_;
  Participant& participant_;
  bool publish_;
};

struct Room::Participant {
  std::string id;
  ActiveSpeakerDetector::ParticipantId key = 0;
  std::unique_ptr<TransportHook> publish_hook, receive_hook;
  std::unique_ptr<rtc::transport::WebRtcTransport> publish, receive;
  std::string failure;  // why a transport failed (see `failed` below)

  // Publish side.
  std::vector<std::unique_ptr<PublishedTrack>> tracks;
  std::unordered_map<std::uint32_t, StreamRef> by_ssrc;
  std::unique_ptr<bwe::TwccRecorder> twcc;  // when the publisher negotiated transport-cc
  TimeMs last_keyframe_request = -1'000'000;  // to this publisher, any layer
  rtc::rtp::ExtensionIds publish_ids;
  std::uint64_t publish_session_id = 0;
  std::uint64_t publish_version = 0;

  // Receive side.
  std::unique_ptr<SendSide> send;  // transport-wide numbering, bandwidth estimate, RTT
  std::vector<ReceiveSlot> slots;  // m-sections 1.. of the receive offer, in order
  std::uint64_t receive_session_id = 0;
  std::uint64_t offer_version = 0;
  std::optional<sdp::SessionDescription> last_offer;
  std::uint32_t next_mid = 1;

  // Adaptive quality (room_allocate.cpp): what the subscriber shows and wants.
  std::vector<TileView> view;  // the last media.view
  ReceivePrefs prefs;
  std::vector<ReceivingTrack> receiving;  // last told (RoomEvent::Receiving)
  double uplink_loss = 0;                 // publisher -> server, last interval (0..1)
  std::uint64_t logged_estimate_bps = 0;  // the last downlink estimate written to the debug log

  // Flags, together (no padding between them).
  // Set when a transport failed (consent expired, DTLS failed): removed after the timer pass,
  // never from inside the transport's own callback.
  bool failed = false;
  bool media_connected = true;  // last MediaState told to the control thread
  bool offer_outstanding = false;
  bool offer_dirty = false;
  bool receive_remote_set = false;
  bool view_known = false;        // false: every track counts as a visible thumbnail
  bool allocation_dirty = true;
  bool bandwidth_paused = false;   // some video paused for bandwidth
  bool bandwidth_limited = false;  // some video below the layer it wants, for bandwidth
};

}  // namespace bailanys::sfu
