#include "sfu/room_events.hpp"

namespace bailanys::sfu {

std::string_view to_string(PauseReason reason) {
  switch (reason) {
    case PauseReason::None: return "none";
    case PauseReason::Bandwidth: return "bandwidth";
    case PauseReason::Hidden: return "hidden";
    case PauseReason::LastN: return "lastN";
    case PauseReason::AudioOnly: return "audioOnly";
  }
  return "none";
}

}  // namespace bailanys::sfu
