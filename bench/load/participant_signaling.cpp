// The participant's side of signaling: what it does when the server answers, offers or refuses.
#include "client_sdp.hpp"
#include "participant.hpp"
#include "sdp/session_description.hpp"
#include "simulcast_layers.hpp"

namespace bailanys::load {

void Participant::on_signaling_open() { mark(milestones_.ws_open, now_us()); }

void Participant::on_joined(const std::string& self_id) {
  mark(milestones_.welcome, now_us());
  self_id_ = self_id;
  if (config_.simulcast) session_->want_video_layer(kTopLayer);
  if (!publish_ || !source_) return;
  const LocalSdp local{publish_->local_ice(), publish_->fingerprint()};
  const auto offer = make_publish_offer(local, source_->streams(config_.name), publish_session_id_);
  session_->publish(offer.sdp, offer.sources);
}

void Participant::on_publish_answer(const std::string& sdp_text) {
  const TimeUs now = now_us();
  mark(milestones_.publish_answer, now);
  const auto parsed = sdp::parse_sdp(sdp_text);
  if (!parsed.description) {
    return fail("the publish answer is not SDP (line " + std::to_string(parsed.error_line) + ": " +
                parsed.error + ")");
  }
  std::string error;
  const auto negotiated = read_publish_answer(*parsed.description, source_->streams(config_.name), error);
  if (!negotiated) return fail(error);
  const auto remote = read_remote_transport(*parsed.description, sdp::SetupRole::Passive, error);
  if (!remote) return fail("publish answer: " + error);
  source_->configure(*negotiated);
  publish_->connect(*remote, now);
}

void Participant::on_subscribe_offer(const SubscribeOffer& offer) {
  const TimeUs now = now_us();
  mark(milestones_.subscribe_offer, now);
  const auto parsed = sdp::parse_sdp(offer.sdp);
  if (!parsed.description) {
    return fail("subscribe offer " + std::to_string(offer.version) + " is not SDP (line " +
                std::to_string(parsed.error_line) + ": " + parsed.error + ")");
  }
  sink_.update_layout(read_receive_layout(*parsed.description));
  const LocalSdp local{receive_->local_ice(), receive_->fingerprint()};
  session_->answer_subscribe(
      make_subscribe_answer(*parsed.description, local, receive_session_id_, offer.version + 1),
      offer.version);
  if (receive_connected_) return;
  std::string error;
  const auto remote = read_remote_transport(*parsed.description, sdp::SetupRole::ActPass, error);
  if (!remote) return fail("subscribe offer: " + error);
  receive_connected_ = true;
  receive_->connect(*remote, now);
}

void Participant::on_signaling_error(const std::string& code, const std::string& message, bool fatal) {
  if (closed_) return;
  if (fatal) {
    fail("signaling " + code + ": " + message);
  } else if (errors_.size() < 20) {
    errors_.push_back("signaling " + code + " (not fatal): " + message);
  }
}

}  // namespace bailanys::load
