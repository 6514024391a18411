// One media worker: a thread (MediaLoop) with its own UDP port and ICE-TCP port, the transport
// demultiplexer and the sessions pinned to it. Everything here runs on the worker's thread;
// the control thread reaches it through start_echo() (which posts).
#pragma once

#include "common/socket_address.hpp"
#include "net/media_loop.hpp"
#include "rtc/dtls/dtls_certificate.hpp"
#include "rtc/transport/transport_demux.hpp"
#include "sdp/session_description.hpp"
#include "sfu/echo_session.hpp"
#include "sfu/media_service.hpp"
#include "sfu/room.hpp"
#include "sfu/room_host.hpp"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bailanys::net {
class UdpSocket;
class TcpFramedServer;
}  // namespace bailanys::net

namespace bailanys::sfu {

struct MediaWorkerOptions {
  std::string name = "media-0";
  SocketAddress udp_bind;
  std::optional<SocketAddress> tcp_bind;  // none: no ICE-TCP
  std::vector<std::string> announce_ips;  // put in candidates
  std::size_t max_echo_sessions = 50;
  RoomOptions room;
};

class MediaWorker final : public rtc::transport::PacketSink, private RoomHost {
 public:
  // Binds the sockets at once; throws std::runtime_error with a readable message on failure.
  MediaWorker(MediaWorkerOptions options,
              std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate);
  ~MediaWorker() override;

  void start();
  // Closes every session (DTLS close_notify) and joins the thread.
  void stop();

  // Thread-safe.
  void start_echo(EchoRequest request, std::function<void(EchoResult)> done);
  // Rooms: see MediaService. Thread-safe (they post); events go to the sink.
  void set_room_event_sink(RoomEventSink sink) { room_events_ = std::move(sink); }
  void join_media(RoomId room, std::string participant_id);
  void leave_media(RoomId room, std::string participant_id);
  void publish(RoomId room, std::string participant_id, std::string offer_sdp,
               TrackSources sources);
  void subscribe_answer(RoomId room, std::string participant_id, std::string answer_sdp,
                        std::uint64_t version);
  // Adaptive quality: ignored when the room or participant has no media (the hub sends the
  // room's cap again after each media.join).
  void set_view(RoomId room, std::string participant_id, std::vector<TileView> tiles);
  void set_receive_prefs(RoomId room, std::string participant_id, ReceivePrefs prefs);
  void set_video_cap(RoomId room, VideoCap cap);
  [[nodiscard]] std::size_t load() const { return load_.load(std::memory_order_relaxed); }
  [[nodiscard]] std::uint16_t udp_port() const { return udp_port_; }
  [[nodiscard]] std::uint16_t tcp_port() const { return tcp_port_; }

 private:
  void send_to_path(const rtc::ice::IcePath& path, std::span<const std::uint8_t> packet) override;
  void create_echo(const EchoRequest& request, const std::function<void(EchoResult)>& done);
  void tick();
  // Runs `fn` on the worker with the room (created when `create`); the room goes when empty.
  void with_room(RoomId room, std::string participant_id, bool create, std::string ref,
                 std::function<void(Room&)> fn);

  // RoomHost
  std::unique_ptr<rtc::transport::WebRtcTransport> create_transport(
      rtc::transport::WebRtcTransportListener& listener) override;
  void destroy_transport(std::unique_ptr<rtc::transport::WebRtcTransport> transport) override;
  [[nodiscard]] std::vector<sdp::Candidate> room_candidates() const override {
    return candidates(false);
  }
  void emit(RoomEvent event) override;
  [[nodiscard]] std::vector<sdp::Candidate> candidates(bool tcp_only) const;

  MediaWorkerOptions options_;
  std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate_;
  net::MediaLoop loop_;
  rtc::transport::TransportDemux demux_;
  std::unique_ptr<net::UdpSocket> udp_;
  std::unique_ptr<net::TcpFramedServer> tcp_;
  std::unordered_map<std::string, std::unique_ptr<EchoSession>> echoes_;
  std::unordered_map<RoomId, std::unique_ptr<Room>> rooms_;
  RoomEventSink room_events_;
  std::uint64_t next_transport_id_ = 1;
  std::uint16_t udp_port_ = 0;
  std::uint16_t tcp_port_ = 0;
  std::atomic<std::size_t> load_{0};
  TimeMs last_report_ = 0;
  TimeMs last_sweep_ = 0;
};

}  // namespace bailanys::sfu
