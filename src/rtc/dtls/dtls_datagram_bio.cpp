#include "rtc/dtls/dtls_datagram_bio.hpp"

#include <openssl/bio.h>

#include <algorithm>
#include <utility>

namespace bailanys::rtc::dtls {

std::size_t DatagramPipe::read(std::span<std::uint8_t> out) {
  const std::size_t n = std::min(out.size(), inbound_.size());
  std::copy_n(inbound_.begin(), n, out.begin());
  inbound_ = {};
  return n;
}

void DatagramPipe::write(std::span<const std::uint8_t> record) {
  current_.insert(current_.end(), record.begin(), record.end());
}

void DatagramPipe::end_datagram() {
  if (current_.empty()) return;
  finished_.push_back(std::move(current_));
  current_.clear();
}

std::vector<std::vector<std::uint8_t>> DatagramPipe::take_datagrams() {
  end_datagram();
  return std::exchange(finished_, {});
}

namespace {

DatagramPipe* pipe_of(BIO* bio) { return static_cast<DatagramPipe*>(BIO_get_data(bio)); }

int bio_write(BIO* bio, const char* data, int size) {
  BIO_clear_retry_flags(bio);
  DatagramPipe* pipe = pipe_of(bio);
  if (pipe == nullptr || data == nullptr || size < 0) return -1;
  pipe->write({reinterpret_cast<const std::uint8_t*>(data), static_cast<std::size_t>(size)});
  return size;
}

int bio_read(BIO* bio, char* out, int size) {
  BIO_clear_retry_flags(bio);
  DatagramPipe* pipe = pipe_of(bio);
  if (pipe == nullptr || out == nullptr || size < 0) return -1;
  if (!pipe->has_inbound()) {
    BIO_set_retry_read(bio);  // SSL_ERROR_WANT_READ: wait for the next datagram
    return -1;
  }
  return static_cast<int>(
      pipe->read({reinterpret_cast<std::uint8_t*>(out), static_cast<std::size_t>(size)}));
}

long bio_ctrl(BIO* bio, int command, long /*number*/, void* /*pointer*/) {
  DatagramPipe* pipe = pipe_of(bio);
  if (pipe == nullptr) return 0;
  switch (command) {
    case BIO_CTRL_FLUSH:
      pipe->end_datagram();
      return 1;
    case BIO_CTRL_WPENDING:
      return static_cast<long>(pipe->current_datagram_size());
    case BIO_CTRL_PENDING:
      return static_cast<long>(pipe->inbound_size());
    // Everything else (MTU queries, peer addresses, timeouts) has no meaning in memory: 0 is
    // "unsupported", and SSL_OP_NO_QUERY_MTU keeps OpenSSL from asking for the MTU.
    default:
      return 0;
  }
}

int bio_create(BIO* bio) {
  BIO_set_init(bio, 1);
  return 1;
}

int bio_destroy(BIO* bio) {
  BIO_set_data(bio, nullptr);
  return 1;
}

const BIO_METHOD* datagram_method() {
  // Created once and never freed: BIOs may be alive until exit, and it is one small struct.
  static const BIO_METHOD* const method = [] {
    BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "bailanys datagram");
    if (m == nullptr) return static_cast<BIO_METHOD*>(nullptr);
    BIO_meth_set_write(m, bio_write);
    BIO_meth_set_read(m, bio_read);
    BIO_meth_set_ctrl(m, bio_ctrl);
    BIO_meth_set_create(m, bio_create);
    BIO_meth_set_destroy(m, bio_destroy);
    return m;
  }();
  return method;
}

}  // namespace

BIO* make_datagram_bio(DatagramPipe& pipe) {
  const BIO_METHOD* method = datagram_method();
  if (method == nullptr) return nullptr;
  BIO* bio = BIO_new(method);
  if (bio != nullptr) BIO_set_data(bio, &pipe);
  return bio;
}

}  // namespace bailanys::rtc::dtls
