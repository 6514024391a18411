#include "rtc/ice/ice_lite_agent.hpp"

#include <utility>

#include "rtc/ice/ice_replies.hpp"

namespace bailanys::rtc::ice {

const char* to_string(IceDropReason reason) {
  switch (reason) {
    case IceDropReason::None:
      return "none";
    case IceDropReason::Malformed:
      return "malformed";
    case IceDropReason::NotBindingRequest:
      return "not-binding-request";
    case IceDropReason::UnknownAttributes:
      return "unknown-attributes";
    case IceDropReason::BadFingerprint:
      return "bad-fingerprint";
    case IceDropReason::MissingUsername:
      return "missing-username";
    case IceDropReason::WrongUsername:
      return "wrong-username";
    case IceDropReason::MissingIntegrity:
      return "missing-integrity";
    case IceDropReason::BadIntegrity:
      return "bad-integrity";
    case IceDropReason::RoleConflict:
      return "role-conflict";
    case IceDropReason::AgentFailed:
      return "agent-failed";
  }
  return "unknown";
}

const char* to_string(IceState state) {
  switch (state) {
    case IceState::New:
      return "new";
    case IceState::Connected:
      return "connected";
    case IceState::Disconnected:
      return "disconnected";
    case IceState::Failed:
      return "failed";
  }
  return "unknown";
}

IceLiteAgent::IceLiteAgent(IceCredentials local, IceOptions options)
    : local_(std::move(local)), options_(options) {}

void IceLiteAgent::set_remote_credentials(IceCredentials remote) { remote_ = std::move(remote); }

std::optional<TimeMs> IceLiteAgent::last_valid_check(std::uint64_t path_id) const {
  const auto it = paths_.find(path_id);
  if (it == paths_.end()) return std::nullopt;
  return it->second.last_valid_check;
}

StunOutcome IceLiteAgent::handle_stun(std::span<const std::uint8_t> packet, const IcePath& path,
                                      TimeMs now) {
  StunOutcome outcome;
  if (state_ == IceState::Failed) {
    // RFC 7675 §5.1: once consent is lost the session is over; a restart needs a new agent.
    outcome.dropped = IceDropReason::AgentFailed;
    return outcome;
  }
  const auto msg = stun::parse_stun(packet);
  if (!msg) {
    outcome.dropped = IceDropReason::Malformed;
    return outcome;
  }
  // A lite agent sends no checks (RFC 8445 §2.5), so only binding requests concern it;
  // binding indications are keepalives and need no answer (RFC 8445 §11).
  if (msg->method != stun::kBindingMethod || msg->message_class != stun::StunClass::Request) {
    outcome.dropped = IceDropReason::NotBindingRequest;
    return outcome;
  }
  outcome.dropped = verify_request(packet, *msg, outcome);
  if (outcome.dropped != IceDropReason::None) return outcome;

  outcome.response = binding_success(msg->transaction_id, path.remote, local_.pwd);
  record_check(path, msg->use_candidate, now, outcome);
  return outcome;
}

IceDropReason IceLiteAgent::verify_request(std::span<const std::uint8_t> packet,
                                           const stun::StunMessage& msg,
                                           StunOutcome& outcome) const {
  const auto& id = msg.transaction_id;
  // RFC 8489 §14.7: a wrong FINGERPRINT means this is not a STUN message at all; no answer.
  if (msg.fingerprint_offset && !stun::check_fingerprint(packet, msg)) {
    return IceDropReason::BadFingerprint;
  }
  // RFC 8489 §9.1.3, short-term credentials: both USERNAME and MESSAGE-INTEGRITY or 400.
  if (!msg.username) {
    outcome.response = binding_error(id, kBadRequest, {});
    return IceDropReason::MissingUsername;
  }
  if (!msg.integrity_offset) {
    outcome.response = binding_error(id, kBadRequest, {});
    return IceDropReason::MissingIntegrity;
  }
  // RFC 8445 §7.3: USERNAME is "<our ufrag>:<their ufrag>"; an unknown username earns 401.
  const auto parts = split_ice_username(*msg.username);
  if (!parts || parts->local != local_.ufrag || (remote_ && parts->remote != remote_->ufrag)) {
    outcome.response = binding_error(id, kUnauthorized, {});
    return IceDropReason::WrongUsername;
  }
  if (!stun::check_integrity(packet, msg, stun::as_bytes(local_.pwd))) {
    outcome.response = binding_error(id, kUnauthorized, {});
    return IceDropReason::BadIntegrity;
  }
  // From here the request is authentic, so error responses carry MESSAGE-INTEGRITY too.
  // RFC 8489 §6.3.1.1: unknown comprehension-required attributes earn 420.
  if (!msg.unknown_required.empty()) {
    outcome.response = binding_error(id, kUnknownAttribute, local_.pwd, msg.unknown_required);
    return IceDropReason::UnknownAttributes;
  }
  // RFC 8445 §7.3.1.1: both sides controlled. A lite agent can never take the controlling
  // role, so it always answers 487 and lets the full agent switch to controlling.
  if (msg.ice_controlled) {
    outcome.response = binding_error(id, kRoleConflict, local_.pwd);
    return IceDropReason::RoleConflict;
  }
  return IceDropReason::None;
}

void IceLiteAgent::record_check(const IcePath& path, bool nominated, TimeMs now,
                                StunOutcome& outcome) {
  // Every authenticated check is consent for its path (RFC 7675 §5.1); the pair it came
  // on is a peer-reflexive candidate pair for us (RFC 8445 §7.3.1.3).
  remember_path(path, now);
  const bool on_selected = selected_ && selected_->id == path.id;
  if (nominated && !on_selected) {
    // RFC 8445 §8.1.1 regular nomination: the controlling agent picks the pair; a later
    // nomination on another pair (network change) replaces the selection.
    selected_ = path;
    outcome.selected_path_changed = true;
  } else if (on_selected) {
    selected_ = path;  // same id; keep the latest view of the path
  }
  if (selected_ && selected_->id == path.id) {
    selected_last_check_ = now;
    set_state(IceState::Connected, outcome.state_changed);
  }
}

void IceLiteAgent::remember_path(const IcePath& path, TimeMs now) {
  auto it = paths_.find(path.id);
  if (it == paths_.end()) {
    if (paths_.size() >= kMaxPaths) {
      // Bound the memory an authenticated but misbehaving peer can make us spend.
      auto quietest = paths_.end();
      for (auto p = paths_.begin(); p != paths_.end(); ++p) {
        if (selected_ && p->first == selected_->id) continue;
        if (quietest == paths_.end() ||
            p->second.last_valid_check < quietest->second.last_valid_check) {
          quietest = p;
        }
      }
      if (quietest != paths_.end()) paths_.erase(quietest);
    }
    it = paths_.emplace(path.id, PathConsent{path, now}).first;
  }
  it->second.path = path;
  it->second.last_valid_check = now;
}

bool IceLiteAgent::on_timer(TimeMs now) {
  bool changed = false;
  if (state_ == IceState::Connected || state_ == IceState::Disconnected) {
    // RFC 7675 §5.1: the selected pair's consent is what keeps media flowing.
    const TimeMs quiet = now - selected_last_check_;
    if (quiet >= options_.failed_after_ms) {
      set_state(IceState::Failed, changed);
      selected_.reset();
      paths_.clear();
    } else if (quiet >= options_.disconnected_after_ms) {
      set_state(IceState::Disconnected, changed);
    }
  }
  // Forget unselected paths whose consent has long expired.
  std::erase_if(paths_, [&](const auto& entry) {
    const bool selected = selected_ && selected_->id == entry.first;
    return !selected && now - entry.second.last_valid_check >= options_.failed_after_ms;
  });
  return changed;
}

void IceLiteAgent::remove_path(std::uint64_t path_id) {
  paths_.erase(path_id);
  if (selected_ && selected_->id == path_id) selected_.reset();
}

void IceLiteAgent::set_state(IceState next, bool& changed) {
  if (state_ == next) return;
  state_ = next;
  changed = true;
}

}  // namespace bailanys::rtc::ice
