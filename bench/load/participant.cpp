#include "participant.hpp"

#include "net/media_loop.hpp"
#include "simulcast_layers.hpp"

#include <boost/asio/io_context.hpp>

namespace bailanys::load {

namespace {

std::uint64_t random_session_id(std::mt19937_64& r) { return r() >> 2; }  // JSEP: < 2^63

}  // namespace

Participant::Participant(ParticipantConfig config, net::MediaLoop& loop, SignalingAdapter& signaling,
                         std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate,
                         const RunWindow& window)
    : config_(std::move(config)),
      loop_(loop),
      signaling_(signaling),
      certificate_(std::move(certificate)),
      window_(window),
      sink_(window, config_.run_id, static_cast<std::uint32_t>(config_.index) * 7919U + config_.run_id) {
  std::mt19937_64 r(static_cast<std::uint64_t>(config_.index) * 104729U + config_.run_id);
  publish_session_id_ = random_session_id(r);
  receive_session_id_ = random_session_id(r);
  ClientTransportListener& self = *this;  // a private base: convert here, not in make_unique
  receive_ = std::make_unique<ClientTransport>(loop_, certificate_, config_.dtls, self,
                                               config_.name + "/receive");
  if (config_.simulcast) sink_.set_awaited_layer(kTopLayer);
  if (config_.switch_layers) sink_.set_layer_switches(&switches_);
  if (config_.loss_percent > 0) {
    receive_->set_receive_loss(config_.loss_percent / 100.0, static_cast<std::uint32_t>(r()));
  }
  if (config_.publishes) {
    publish_ = std::make_unique<ClientTransport>(loop_, certificate_, config_.dtls, self,
                                                 config_.name + "/publish");
    MediaSourceConfig mc;
    mc.run_id = config_.run_id;
    mc.publisher_index = config_.index;
    mc.audio = true;
    mc.video = !config_.audio_only;
    mc.video_kbps = config_.video_kbps;
    mc.audio_level = static_cast<std::uint8_t>(25 + (config_.index * 13) % 60);
    mc.seed = static_cast<std::uint32_t>(r());
    mc.simulcast = config_.simulcast && !config_.audio_only;
    source_ = std::make_unique<MediaSource>(mc, window_);
  }
}

Participant::~Participant() = default;

void Participant::start() {
  started_at_ = now_us();
  session_ = signaling_.create_session(loop_.context(), *this, config_.name, config_.room);
  session_->start();
}

void Participant::on_tick(TimeUs now) {
  if (closed_) return;
  receive_->on_tick(now);
  sink_.on_tick(*receive_, now);
  if (config_.switch_layers) switch_layers(now);
  if (publish_) {
    publish_->on_tick(now);
    if (source_ && left_at_ == 0 && publish_->media_ready()) source_->on_tick(*publish_, now);
  }
  // Warm: everything this participant should receive has started (nothing to receive: its
  // publish transport is up; Janus opens no receive connection for a lone publisher).
  const bool ready = config_.expected_streams == 0
                         ? (publish_ ? milestones_.publish_dtls : milestones_.receive_dtls) != 0
                         : sink_.started_streams() >= config_.expected_streams;
  if (!warm_.load(std::memory_order_relaxed) && ready) {
    mark(milestones_.all_streams, now);
    warm_.store(true, std::memory_order_release);
  }
}

void Participant::switch_layers(TimeUs now) {
  const TimeUs start = window_.start.load(std::memory_order_relaxed);
  const TimeUs end = window_.end.load(std::memory_order_relaxed);
  if (start == 0 || !session_ || now >= end || left_at_ != 0) return;
  if (next_switch_ == 0) {
    next_switch_ = start + config_.switch_phase_us;
    // A replacement (--churn) joins during the window: its phase's next turn from now on.
    while (config_.replacement && next_switch_ < now) next_switch_ += kSwitchIntervalUs;
  }
  if (now < next_switch_) return;
  // Top -> low -> top ...: the first request leaves the top layer the warm-up waited for.
  const int layer = switch_to_;
  switch_to_ = layer == 0 ? kTopLayer : 0;
  const bool measured = now + LayerSwitches::kDeadlineUs <= end;
  switches_.request(layer, now, measured);
  session_->want_video_layer(layer);
  next_switch_ += kSwitchIntervalUs;
}

void Participant::begin_leave(TimeUs now) {
  if (left_at_ != 0) return;
  left_at_ = now;
  switches_.abandon();  // a leaver's switches under way are neither complete nor incomplete
}

void Participant::close() {
  if (closed_) return;
  closed_ = true;
  switches_.finish();  // switches still open (no keyframe of the new layer) are incomplete
  if (session_) session_->close();
  if (publish_) publish_->close();
  receive_->close();
}

void Participant::fail(const std::string& what) {
  errors_.push_back(what);
  failed_.store(true, std::memory_order_release);
}

void Participant::on_ice_connected(ClientTransport& t, TimeUs now) {
  mark(&t == receive_.get() ? milestones_.receive_ice : milestones_.publish_ice, now);
}

void Participant::on_dtls_connected(ClientTransport& t, TimeUs now) {
  if (&t == receive_.get()) {
    mark(milestones_.receive_dtls, now);
    return;
  }
  mark(milestones_.publish_dtls, now);
  if (source_) source_->start(t, now);
}

void Participant::on_transport_failed(ClientTransport& t, std::string_view reason) {
  fail(t.name() + ": " + std::string(reason));
}

void Participant::on_rtp(ClientTransport& t, rtc::rtp::RtpPacket& packet, TimeUs now) {
  if (&t != receive_.get()) return;  // nothing is sent to us on the publish transport
  sink_.on_rtp(packet, now);
  if (milestones_.first_rtp == 0 && sink_.first_rtp() != 0) mark(milestones_.first_rtp, sink_.first_rtp());
  if (milestones_.first_keyframe == 0 && sink_.first_keyframe() != 0) {
    mark(milestones_.first_keyframe, sink_.first_keyframe());
  }
}

void Participant::on_rtcp(ClientTransport& t, std::span<const std::uint8_t> compound, TimeUs now) {
  if (&t == publish_.get() && source_) source_->on_rtcp(t, compound, now);
  // On the receive transport: the server's sender reports, which our receiver reports echo.
  if (&t == receive_.get()) sink_.on_rtcp(compound, now);
}

}  // namespace bailanys::load
