// The command API the control thread uses to reach the media workers (api/ and signaling/
// include this, never the workers themselves). Calls return at once; results arrive through
// the callback, on a media worker's thread.
#pragma once

#include <functional>
#include <string>

namespace bailanys::sfu {

struct EchoRequest {
  std::string offer_sdp;
  bool tcp_only = false;  // announce only the ICE-TCP candidate (networks that block UDP)
};

struct EchoResult {
  int status = 200;  // HTTP-like: 200, 400 (bad offer), 503 (full or stopping)
  std::string answer_sdp;
  std::string session_id;
  std::string error_code;     // invalid_sdp, too_many_sessions, media_unavailable
  std::string error_message;  // a sentence for the log and the developer console
};

class MediaService {
 public:
  virtual ~MediaService() = default;
  // Starts an echo session: the browser's media comes back to it through the whole stack.
  virtual void start_echo(EchoRequest request, std::function<void(EchoResult)> done) = 0;
};

}  // namespace bailanys::sfu
