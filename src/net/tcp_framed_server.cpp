#include "net/tcp_framed_server.hpp"

#include "common/bytes.hpp"
#include "net/media_loop.hpp"

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <deque>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace bailanys::net {

namespace tcp = boost::asio::ip;

namespace {

SocketAddress to_address(const tcp::tcp::endpoint& ep) {
  auto a = SocketAddress::parse(ep.address().to_string(), ep.port());
  if (a && ep.address().is_v6() && ep.address().to_v6().is_v4_mapped()) {
    a = SocketAddress::parse(ep.address().to_v6().to_v4().to_string(), ep.port());
  }
  return a ? *a : SocketAddress{};
}

}  // namespace

struct TcpConnection : std::enable_shared_from_this<TcpConnection> {
  TcpConnection(boost::asio::io_context& io, std::uint64_t i) : socket(io), id(i) {}

  tcp::tcp::socket socket;
  std::uint64_t id;
  SocketAddress remote;
  std::array<std::uint8_t, 2> length{};
  std::vector<std::uint8_t> frame = std::vector<std::uint8_t>(TcpFramedServer::kBufferSize);
  std::deque<std::vector<std::uint8_t>> queue;  // each entry already holds its length prefix
  bool writing = false;
  bool closed = false;
  bool spoke = false;  // at least one frame received
  std::chrono::steady_clock::time_point accepted_at = std::chrono::steady_clock::now();
};

struct TcpFramedServer::Impl : std::enable_shared_from_this<TcpFramedServer::Impl> {
  Impl(MediaLoop& l, Handlers h, TcpFramedServerOptions o)
      : io(l.context()), acceptor(l.context()), handlers(std::move(h)), options(o) {}

  boost::asio::io_context& io;
  tcp::tcp::acceptor acceptor;
  Handlers handlers;
  TcpFramedServerOptions options;
  TcpCounters counters;
  std::unordered_map<std::uint64_t, std::shared_ptr<TcpConnection>> connections;
  std::uint64_t next_id = 1;
  bool closed = false;

  void accept() {
    auto conn = std::make_shared<TcpConnection>(io, next_id++);
    acceptor.async_accept(conn->socket, [self = shared_from_this(), conn](const auto& ec) {
      if (self->closed) return;
      if (!ec) self->on_accepted(conn);
      self->accept();
    });
  }

  void on_accepted(const std::shared_ptr<TcpConnection>& conn) {
    if (connections.size() >= options.max_connections) {
      ++counters.refused;
      boost::system::error_code ignored;
      conn->socket.close(ignored);
      return;
    }
    ++counters.accepted;
    boost::system::error_code ec;
    conn->socket.set_option(tcp::tcp::no_delay(true), ec);
    conn->remote = to_address(conn->socket.remote_endpoint(ec));
    connections.emplace(conn->id, conn);
    read_length(conn);
  }

  void read_length(const std::shared_ptr<TcpConnection>& conn) {
    boost::asio::async_read(conn->socket, boost::asio::buffer(conn->length),
                            [self = shared_from_this(), conn](const auto& ec, std::size_t) {
                              if (ec || conn->closed) return self->drop(conn);
                              const std::size_t n = load_be16(conn->length.data());
                              if (n == 0) return self->read_length(conn);
                              self->read_frame(conn, n);
                            });
  }

  void read_frame(const std::shared_ptr<TcpConnection>& conn, std::size_t n) {
    boost::asio::async_read(conn->socket, boost::asio::buffer(conn->frame.data(), n),
                            [self = shared_from_this(), conn, n](const auto& ec, std::size_t) {
                              if (ec || conn->closed) return self->drop(conn);
                              ++self->counters.frames_received;
                              conn->spoke = true;
                              self->handlers.on_frame(conn->id, std::span<std::uint8_t>(conn->frame),
                                                      n, conn->remote);
                              if (!conn->closed) self->read_length(conn);
                            });
  }

  void write_next(const std::shared_ptr<TcpConnection>& conn) {
    if (conn->queue.empty() || conn->closed) {
      conn->writing = false;
      return;
    }
    conn->writing = true;
    boost::asio::async_write(conn->socket, boost::asio::buffer(conn->queue.front()),
                             [self = shared_from_this(), conn](const auto& ec, std::size_t) {
                               if (ec) return self->drop(conn);
                               ++self->counters.frames_sent;
                               conn->queue.pop_front();
                               self->write_next(conn);
                             });
  }

  void drop(const std::shared_ptr<TcpConnection>& conn) {
    if (conn->closed) return;
    conn->closed = true;
    boost::system::error_code ignored;
    conn->socket.close(ignored);
    connections.erase(conn->id);
    if (!closed && handlers.on_closed) handlers.on_closed(conn->id);
  }
};

TcpFramedServer::TcpFramedServer(MediaLoop& loop, const SocketAddress& bind, Handlers handlers,
                                 TcpFramedServerOptions options)
    : impl_(std::make_shared<Impl>(loop, std::move(handlers), options)) {
  const tcp::tcp::endpoint endpoint(tcp::make_address(bind.ip_string()), bind.port);
  boost::system::error_code ec;
  impl_->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(tcp::tcp::acceptor::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(endpoint, ec);
  if (!ec) impl_->acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on TCP " + bind.to_string() + " for media: " +
                             ec.message());
  }
}

TcpFramedServer::~TcpFramedServer() { close(); }

void TcpFramedServer::start() { impl_->accept(); }

void TcpFramedServer::close() {
  if (impl_->closed) return;
  impl_->closed = true;
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
  auto connections = std::move(impl_->connections);
  for (auto& [id, conn] : connections) {
    conn->closed = true;
    conn->socket.close(ignored);
  }
}

bool TcpFramedServer::send(std::uint64_t id, std::span<const std::uint8_t> frame) {
  const auto it = impl_->connections.find(id);
  if (it == impl_->connections.end() || frame.size() > 65535) return false;
  auto& conn = it->second;
  if (conn->queue.size() >= impl_->options.max_queued_frames) {
    ++impl_->counters.send_dropped;
    return false;
  }
  std::vector<std::uint8_t> framed(frame.size() + 2);
  store_be16(framed.data(), static_cast<std::uint16_t>(frame.size()));
  std::copy(frame.begin(), frame.end(), framed.begin() + 2);
  conn->queue.push_back(std::move(framed));
  if (!conn->writing) impl_->write_next(conn);
  return true;
}

void TcpFramedServer::close_connection(std::uint64_t id) {
  const auto it = impl_->connections.find(id);
  if (it != impl_->connections.end()) impl_->drop(it->second);
}

void TcpFramedServer::close_silent_connections(std::chrono::milliseconds max_silence) {
  const auto cutoff = std::chrono::steady_clock::now() - max_silence;
  std::vector<std::shared_ptr<TcpConnection>> silent;
  for (const auto& [id, conn] : impl_->connections) {
    if (!conn->spoke && conn->accepted_at < cutoff) silent.push_back(conn);
  }
  for (const auto& conn : silent) impl_->drop(conn);
}

SocketAddress TcpFramedServer::local_address() const {
  boost::system::error_code ec;
  return to_address(impl_->acceptor.local_endpoint(ec));
}

const TcpCounters& TcpFramedServer::counters() const { return impl_->counters; }

std::size_t TcpFramedServer::connection_count() const { return impl_->connections.size(); }

}  // namespace bailanys::net
