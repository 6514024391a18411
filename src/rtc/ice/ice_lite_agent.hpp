// The server side of ICE: a lite agent (RFC 8445 §2.5), always in the controlled role, facing
// a full, controlling browser. It answers binding requests, learns peer-reflexive paths from
// them, selects the pair nominated with USE-CANDIDATE (regular nomination, following a later
// nomination when the browser changes network) and watches consent freshness (RFC 7675).
// No I/O: bytes and `now` in, responses and flags out. Not thread-safe; one owner (the
// transport on its media worker) calls everything.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/socket_address.hpp"
#include "rtc/ice/ice_credentials.hpp"
#include "rtc/ice/ice_username.hpp"
#include "rtc/stun/stun_message.hpp"

namespace bailanys::rtc::ice {

// A network path as the transport layer sees it: a UDP 5-tuple or one TCP connection.
// `id` is unique per path.
struct IcePath {
  std::uint64_t id = 0;
  SocketAddress remote;
  bool tcp = false;
  friend bool operator==(const IcePath&, const IcePath&) = default;
};

enum class IceState : std::uint8_t { New, Connected, Disconnected, Failed };

enum class IceDropReason : std::uint8_t {
  None,
  Malformed,          // not a parseable STUN message
  NotBindingRequest,  // indications (keepalives), responses, other methods
  UnknownAttributes,  // answered 420
  BadFingerprint,     // silently dropped (RFC 8489 §14.7)
  MissingUsername,    // answered 400
  WrongUsername,      // answered 401 (not our ufrag, or not the remote ufrag from the SDP)
  MissingIntegrity,   // answered 400
  BadIntegrity,       // answered 401
  RoleConflict,       // answered 487: the peer claims to be controlled as well
  AgentFailed         // consent expired earlier; the agent is finished
};

const char* to_string(IceDropReason);
const char* to_string(IceState);

// Measured from the selected path's last authenticated check; a threshold counts as reached
// when exactly that much time has passed.
struct IceOptions {
  TimeMs disconnected_after_ms = 10'000;
  TimeMs failed_after_ms = 30'000;  // RFC 7675 §5.1: consent expires after 30 s
};

struct StunOutcome {
  // Send back on the same path when non-empty (success or error response).
  std::vector<std::uint8_t> response;
  IceDropReason dropped = IceDropReason::None;
  bool selected_path_changed = false;  // the nominated pair changed (first nomination included)
  bool state_changed = false;
};

class IceLiteAgent {
 public:
  explicit IceLiteAgent(IceCredentials local, IceOptions options = {});

  // From the SDP; requests may arrive before it (then the remote-ufrag check is skipped).
  void set_remote_credentials(IceCredentials remote);

  StunOutcome handle_stun(std::span<const std::uint8_t> packet, const IcePath& path, TimeMs now);

  // Call every ~500 ms; returns true when the state changed (Connected -> Disconnected ->
  // Failed). Going back to Connected happens in handle_stun(), which reports it there.
  // On Failed the selection and all paths are forgotten.
  bool on_timer(TimeMs now);

  [[nodiscard]] IceState state() const { return state_; }
  [[nodiscard]] const std::optional<IcePath>& selected_path() const { return selected_; }
  [[nodiscard]] const IceCredentials& local_credentials() const { return local_; }
  // When the last authenticated check arrived on this path; nullopt for an unknown path.
  [[nodiscard]] std::optional<TimeMs> last_valid_check(std::uint64_t path_id) const;
  [[nodiscard]] std::size_t known_path_count() const { return paths_.size(); }

  // Forget a path (TCP connection closed); if it was selected, selection is cleared (state
  // unchanged until the timer decides).
  void remove_path(std::uint64_t path_id);

  // Paths remembered at most; the quietest unselected one is forgotten first.
  static constexpr std::size_t kMaxPaths = 32;

 private:
  struct PathConsent {
    IcePath path;
    TimeMs last_valid_check = 0;
  };

  // Authentication and role checks of RFC 8489 §9.1.3 and RFC 8445 §7.3; fills the error
  // response and returns the reason when the request must not count as a check.
  IceDropReason verify_request(std::span<const std::uint8_t> packet, const stun::StunMessage& msg,
                               StunOutcome& outcome) const;
  void record_check(const IcePath& path, bool nominated, TimeMs now, StunOutcome& outcome);
  void remember_path(const IcePath& path, TimeMs now);
  void set_state(IceState next, bool& changed);

  IceCredentials local_;
  std::optional<IceCredentials> remote_;
  IceOptions options_;
  IceState state_ = IceState::New;
  std::optional<IcePath> selected_;
  TimeMs selected_last_check_ = 0;  // survives remove_path() so the timer can still expire it
  std::unordered_map<std::uint64_t, PathConsent> paths_;
};

}  // namespace bailanys::rtc::ice
