// One synthetic participant: a signaling session, a publish transport with its MediaSource
// (publishers only) and a receive transport with its MediaSink, all on one MediaLoop thread.
// It records when each step of joining happened (milestones) and what went wrong.
//
// Loop thread only, except: `warm()` may be read from any thread, and everything may be read
// once the loop has stopped.
#pragma once

#include "client_transport.hpp"
#include "load_clock.hpp"
#include "media_sink.hpp"
#include "media_source.hpp"
#include "run_window.hpp"
#include "signaling.hpp"

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace bailanys::net {
class MediaLoop;
}

namespace bailanys::load {

// Microseconds after the participant started (0: not reached).
struct Milestones {
  TimeUs ws_open = 0;
  TimeUs welcome = 0;
  TimeUs subscribe_offer = 0;
  TimeUs publish_answer = 0;
  TimeUs receive_ice = 0, receive_dtls = 0;
  TimeUs publish_ice = 0, publish_dtls = 0;
  TimeUs first_rtp = 0;
  TimeUs first_keyframe = 0;
  TimeUs all_streams = 0;  // every expected stream started (video: with a keyframe)
};

struct ParticipantConfig {
  int index = 0;             // over the whole run: probe stream ids carry it
  std::size_t room = 0;      // into SignalingAdapter::rooms()
  bool replacement = false;  // joined during the window in place of a churned participant
  std::string name;
  bool publishes = true;
  bool audio_only = false;
  int video_kbps = 500;
  double loss_percent = 0;
  std::uint16_t run_id = 0;
  int expected_streams = 0;  // publisher streams this participant should receive
  rtc::dtls::DtlsOptions dtls;
  bool simulcast = false;      // publish three layers; ask for the top one of every camera
  bool switch_layers = false;  // in the window: top -> low -> top ... every kSwitchIntervalUs
  TimeUs switch_phase_us = 0;  // this subscriber's first switch, after the window opens
};

inline constexpr TimeUs kSwitchIntervalUs = 2'000'000;

class Participant final : SignalingListener, ClientTransportListener {
 public:
  Participant(ParticipantConfig config, net::MediaLoop& loop, SignalingAdapter& signaling,
              std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate, const RunWindow& window);
  ~Participant() override;
  Participant(const Participant&) = delete;
  Participant& operator=(const Participant&) = delete;

  void start();
  void on_tick(TimeUs now);
  // The first step of a churn leave: stop sending, switching layers and counting what arrives
  // (left_at()).
  void begin_leave(TimeUs now);
  // Leaves: DTLS close_notify, WebSocket close; open layer switches are incomplete. Sockets
  // stay owned until destruction.
  void close();

  [[nodiscard]] bool warm() const { return warm_.load(std::memory_order_acquire); }
  [[nodiscard]] bool failed() const { return failed_.load(std::memory_order_acquire); }
  [[nodiscard]] const ParticipantConfig& config() const { return config_; }
  [[nodiscard]] const Milestones& milestones() const { return milestones_; }
  // Steady µs of start() and begin_leave() (0: not yet); read them once the loop stopped.
  [[nodiscard]] TimeUs started_at() const { return started_at_; }
  [[nodiscard]] TimeUs left_at() const { return left_at_; }
  [[nodiscard]] const std::vector<std::string>& errors() const { return errors_; }
  [[nodiscard]] const MediaSink& sink() const { return sink_; }
  [[nodiscard]] const LayerSwitches& layer_switches() const { return switches_; }
  [[nodiscard]] const MediaSource* source() const { return source_.get(); }
  [[nodiscard]] const ClientTransport* publish_transport() const { return publish_.get(); }
  [[nodiscard]] const ClientTransport& receive_transport() const { return *receive_; }
  [[nodiscard]] const std::string& participant_id() const { return self_id_; }

 private:
  // SignalingListener (participant_signaling.cpp)
  void on_signaling_open() override;
  void on_joined(const std::string& self_id) override;
  void on_publish_answer(const std::string& sdp) override;
  void on_subscribe_offer(const SubscribeOffer& offer) override;
  void on_signaling_error(const std::string& code, const std::string& message, bool fatal) override;

  // ClientTransportListener
  void on_ice_connected(ClientTransport& t, TimeUs now) override;
  void on_dtls_connected(ClientTransport& t, TimeUs now) override;
  void on_transport_failed(ClientTransport& t, std::string_view reason) override;
  void on_rtp(ClientTransport& t, rtc::rtp::RtpPacket& packet, TimeUs now) override;
  void on_rtcp(ClientTransport& t, std::span<const std::uint8_t> compound, TimeUs now) override;

  void fail(const std::string& what);
  // --switch-layers: the next request when it is due.
  void switch_layers(TimeUs now);
  void mark(TimeUs& milestone, TimeUs now) const {
    if (milestone == 0) milestone = std::max<TimeUs>(now - started_at_, 1);
  }

  ParticipantConfig config_;
  net::MediaLoop& loop_;
  SignalingAdapter& signaling_;
  std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate_;
  const RunWindow& window_;
  std::unique_ptr<SignalingSession> session_;
  std::unique_ptr<ClientTransport> publish_, receive_;
  std::unique_ptr<MediaSource> source_;
  MediaSink sink_;
  LayerSwitches switches_;
  TimeUs next_switch_ = 0;  // 0: not scheduled yet
  int switch_to_ = 0;       // the layer the next switch asks for
  std::string self_id_;
  std::uint64_t publish_session_id_ = 0, receive_session_id_ = 0;
  bool receive_connected_ = false;
  bool closed_ = false;
  TimeUs started_at_ = 0;
  TimeUs left_at_ = 0;
  Milestones milestones_;
  std::vector<std::string> errors_;
  std::atomic<bool> warm_{false};
  std::atomic<bool> failed_{false};
};

}  // namespace bailanys::load
