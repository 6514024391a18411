#include "sfu/media_worker.hpp"

#include "common/clock.hpp"
#include "common/random.hpp"
#include "net/tcp_framed_server.hpp"
#include "net/udp_socket.hpp"

#include <spdlog/spdlog.h>

namespace bailanys::sfu {

namespace {

constexpr auto kTickPeriod = std::chrono::milliseconds(50);
// Bandwidth probes are paced in steps of this (docs/BWE.md): a probe is a train of padding
// spread over ~100 ms, not one burst, so its send rate means something.
constexpr auto kPacePeriod = std::chrono::milliseconds(5);

// RFC 8445 §5.1.2.1: priority = 2^24 * type preference + 2^8 * local preference + (256 - component).
// Host candidates; UDP is preferred, and TCP passive gets a lower local preference (RFC 6544 §4.2).
std::uint32_t host_priority(bool tcp) {
  const std::uint32_t type_preference = 126;
  const std::uint32_t local_preference = tcp ? (4U << 13) + 8191 : 65535;
  return (type_preference << 24) + (local_preference << 8) + (256 - 1);
}

}  // namespace

MediaWorker::MediaWorker(MediaWorkerOptions options,
                         std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate)
    : options_(std::move(options)), certificate_(std::move(certificate)), loop_(options_.name) {
  udp_ = std::make_unique<net::UdpSocket>(
      loop_, options_.udp_bind,
      [this](std::span<std::uint8_t> buffer, std::size_t size, const SocketAddress& from) {
        demux_.on_udp(buffer, size, from, steady_now_ms());
      });
  udp_port_ = udp_->local_address().port;
  if (options_.tcp_bind) {
    net::TcpFramedServer::Handlers handlers;
    handlers.on_frame = [this](std::uint64_t id, std::span<std::uint8_t> buffer, std::size_t size,
                               const SocketAddress& from) {
      // A publisher on ICE-TCP fans out to subscribers on UDP: one batch per frame.
      const net::UdpSocket::Hold hold(*udp_);
      demux_.on_tcp_frame(id, buffer, size, from, steady_now_ms());
      // A connection whose first frame is not a valid ICE check is not ours (RFC 6544 §7.2).
      if (!demux_.tcp_bound(id)) tcp_->close_connection(id);
    };
    handlers.on_closed = [this](std::uint64_t id) { demux_.on_tcp_closed(id); };
    tcp_ = std::make_unique<net::TcpFramedServer>(loop_, *options_.tcp_bind, std::move(handlers));
    tcp_port_ = tcp_->local_address().port;
  }
}

MediaWorker::~MediaWorker() { stop(); }

void MediaWorker::start() {
  udp_->start();
  if (tcp_) tcp_->start();
  // Timers send too (RTCP, keyframe requests, probes and retransmissions): batched as well.
  loop_.every(kTickPeriod, [this] {
    const net::UdpSocket::Hold hold(*udp_);
    tick();
  });
  loop_.every(kPacePeriod, [this] {
    const net::UdpSocket::Hold hold(*udp_);
    const TimeMs now = steady_now_ms();
    for (auto& [id, room] : rooms_) room->on_pace(now);
  });
  loop_.start();
  spdlog::info("{}: media on UDP {}:{}{}, announced as {}", options_.name,
               options_.udp_bind.ip_string(), udp_port_,
               tcp_ ? fmt::format(" and TCP {}:{}", options_.tcp_bind->ip_string(), tcp_port_) : "",
               fmt::join(options_.announce_ips, ", "));
}

void MediaWorker::stop() {
  loop_.stop([this] {
    for (auto& [id, echo] : echoes_) {
      echo->close();
      demux_.remove(echo->transport());
    }
    echoes_.clear();
    for (auto& [id, room] : rooms_) room->close();
    rooms_.clear();
    udp_->close();
    if (tcp_) tcp_->close();
  });
  loop_.join();
}

void MediaWorker::start_echo(EchoRequest request, std::function<void(EchoResult)> done) {
  load_.fetch_add(1, std::memory_order_relaxed);
  auto shared = std::make_shared<EchoRequest>(std::move(request));
  const bool posted = loop_.post([this, shared, done] { create_echo(*shared, done); });
  if (!posted) {
    load_.fetch_sub(1, std::memory_order_relaxed);
    done({503, "", "", "media_unavailable", "the media server is stopping"});
  }
}

void MediaWorker::create_echo(const EchoRequest& request,
                              const std::function<void(EchoResult)>& done) {
  auto refuse = [&](int status, const char* code, std::string message) {
    load_.fetch_sub(1, std::memory_order_relaxed);
    done({status, "", "", code, std::move(message)});
  };
  if (echoes_.size() >= options_.max_echo_sessions) {
    return refuse(503, "too_many_sessions", "too many echo tests are running; try again soon");
  }
  if (request.tcp_only && !tcp_) {
    return refuse(400, "invalid_request", "ICE-TCP is turned off on this server");
  }
  auto parsed = sdp::parse_sdp(request.offer_sdp);
  if (!parsed.description) {
    return refuse(400, "invalid_sdp",
                  fmt::format("the offer is not valid SDP (line {}: {})", parsed.error_line,
                              parsed.error));
  }
  const TimeMs now = steady_now_ms();
  auto session = std::make_unique<EchoSession>(random_token(9), certificate_, *this,
                                               next_transport_id_++, now);
  std::string error;
  auto answer = session->negotiate(*parsed.description, candidates(request.tcp_only), now, error);
  if (!answer) return refuse(400, "invalid_sdp", "the offer cannot be answered: " + error);
  demux_.add(session->transport());
  EchoResult result;
  result.answer_sdp = std::move(*answer);
  result.session_id = session->id();
  spdlog::info("echo {}: started on {}{}", session->id(), options_.name,
               request.tcp_only ? " (ICE-TCP only)" : "");
  echoes_.emplace(session->id(), std::move(session));
  done(std::move(result));
}

void MediaWorker::with_room(RoomId room, std::string participant_id, bool create, std::string ref,
                            std::function<void(Room&)> fn) {
  const bool posted = loop_.post([this, room, participant_id, create, ref, fn = std::move(fn)] {
    auto it = rooms_.find(room);
    if (it == rooms_.end()) {
      if (!create) {
        RoomEvent e;
        e.type = RoomEvent::Type::Error;
        e.room_id = room;
        e.participant_id = participant_id;
        e.code = "invalid_message";
        e.message = "send media.join first";
        e.ref = ref;
        emit(std::move(e));
        return;
      }
      it = rooms_.emplace(room, std::make_unique<Room>(room, static_cast<RoomHost&>(*this), options_.room)).first;
    }
    const std::size_t before = it->second->size();
    fn(*it->second);
    const std::size_t after = it->second->size();
    if (after > before) load_.fetch_add(after - before, std::memory_order_relaxed);
    if (after < before) load_.fetch_sub(before - after, std::memory_order_relaxed);
    if (it->second->empty()) rooms_.erase(it);
  });
  if (!posted) {
    RoomEvent e;
    e.type = RoomEvent::Type::Error;
    e.room_id = room;
    e.participant_id = std::move(participant_id);
    e.code = "media_unavailable";
    e.message = "the media server is stopping";
    e.ref = std::move(ref);
    emit(std::move(e));
  }
}

void MediaWorker::join_media(RoomId room, std::string participant_id) {
  with_room(room, participant_id, true, "media.join",
            [participant_id](Room& r) { r.join(participant_id, steady_now_ms()); });
}

void MediaWorker::leave_media(RoomId room, std::string participant_id) {
  // Leaving a room that is already gone is not an error.
  loop_.post([this, room, participant_id = std::move(participant_id)] {
    const auto it = rooms_.find(room);
    if (it == rooms_.end()) return;
    const std::size_t before = it->second->size();
    it->second->leave(participant_id);
    if (it->second->size() < before) load_.fetch_sub(before - it->second->size(), std::memory_order_relaxed);
    if (it->second->empty()) rooms_.erase(it);
  });
}

void MediaWorker::publish(RoomId room, std::string participant_id, std::string offer_sdp,
                          TrackSources sources) {
  with_room(room, participant_id, false, "media.publish",
            [participant_id, sdp = std::move(offer_sdp), sources = std::move(sources)](Room& r) {
              r.publish(participant_id, sdp, sources, steady_now_ms());
            });
}

void MediaWorker::subscribe_answer(RoomId room, std::string participant_id, std::string answer_sdp,
                                   std::uint64_t version) {
  with_room(room, participant_id, false, "media.subscribeAnswer",
            [participant_id, sdp = std::move(answer_sdp), version](Room& r) {
              r.subscribe_answer(participant_id, sdp, version, steady_now_ms());
            });
}

void MediaWorker::set_view(RoomId room, std::string participant_id, std::vector<TileView> tiles) {
  loop_.post([this, room, participant_id = std::move(participant_id), tiles = std::move(tiles)] {
    if (const auto it = rooms_.find(room); it != rooms_.end()) {
      it->second->set_view(participant_id, tiles, steady_now_ms());
    }
  });
}

void MediaWorker::set_receive_prefs(RoomId room, std::string participant_id, ReceivePrefs prefs) {
  loop_.post([this, room, participant_id = std::move(participant_id), prefs = std::move(prefs)] {
    if (const auto it = rooms_.find(room); it != rooms_.end()) {
      it->second->set_receive_prefs(participant_id, prefs, steady_now_ms());
    }
  });
}

void MediaWorker::set_video_cap(RoomId room, VideoCap cap) {
  loop_.post([this, room, cap] {
    if (const auto it = rooms_.find(room); it != rooms_.end()) it->second->set_video_cap(cap, steady_now_ms());
  });
}

std::unique_ptr<rtc::transport::WebRtcTransport> MediaWorker::create_transport(
    rtc::transport::WebRtcTransportListener& listener) {
  auto transport = std::make_unique<rtc::transport::WebRtcTransport>(next_transport_id_++,
                                                                     certificate_, *this, listener);
  demux_.add(*transport);
  return transport;
}

void MediaWorker::destroy_transport(std::unique_ptr<rtc::transport::WebRtcTransport> transport) {
  if (!transport) return;
  transport->close();
  demux_.remove(*transport);
}

void MediaWorker::emit(RoomEvent event) {
  if (room_events_) room_events_(std::move(event));
}

void MediaWorker::tick() {
  const TimeMs now = steady_now_ms();
  for (auto it = rooms_.begin(); it != rooms_.end();) {
    const std::size_t before = it->second->size();
    it->second->on_timer(now);
    if (it->second->size() < before) load_.fetch_sub(before - it->second->size(), std::memory_order_relaxed);
    if (it->second->empty()) {
      it = rooms_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = echoes_.begin(); it != echoes_.end();) {
    it->second->on_timer(now);
    if (it->second->finished()) {
      demux_.remove(it->second->transport());
      it = echoes_.erase(it);
      load_.fetch_sub(1, std::memory_order_relaxed);
    } else {
      ++it;
    }
  }
  if (tcp_ && now - last_sweep_ >= 1000) {
    last_sweep_ = now;
    tcp_->close_silent_connections(std::chrono::seconds(10));
  }
  if (now - last_report_ >= 60'000) {
    last_report_ = now;
    if (demux_.drops().total() > 0) {
      spdlog::debug("{}: dropped before reaching a transport so far: {}", options_.name,
                    demux_.drops().summary());
    }
  }
}

void MediaWorker::send_to_path(const rtc::ice::IcePath& path, std::span<const std::uint8_t> packet) {
  if (path.tcp) {
    if (tcp_) tcp_->send(path.id & ~rtc::transport::TransportDemux::kTcpPathBit, packet);
    return;
  }
  udp_->send(packet, path.remote);
}

std::vector<sdp::Candidate> MediaWorker::candidates(bool tcp_only) const {
  std::vector<sdp::Candidate> out;
  int foundation = 1;
  for (const auto& ip : options_.announce_ips) {
    if (!tcp_only) {
      sdp::Candidate c;
      c.foundation = std::to_string(foundation);
      c.transport = "udp";
      c.priority = host_priority(false);
      c.address = ip;
      c.port = udp_port_;
      c.type = "host";
      out.push_back(c);
    }
    if (tcp_) {
      sdp::Candidate c;
      c.foundation = std::to_string(foundation + 1);
      c.transport = "tcp";
      c.priority = host_priority(true);
      c.address = ip;
      c.port = tcp_port_;
      c.type = "host";
      c.tcp_type = "passive";
      out.push_back(c);
    }
    foundation += 2;
  }
  return out;
}

}  // namespace bailanys::sfu
