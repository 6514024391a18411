// An in-memory OpenSSL BIO that keeps UDP datagram boundaries, so OpenSSL itself decides how
// records are packed into datagrams. A plain memory BIO would glue a whole flight into one
// byte stream and we would have to re-split it by record to respect the MTU.
#pragma once

#include <openssl/types.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bailanys::rtc::dtls {

// The BIO's two sides. Reads return the one inbound datagram set by the transport (then
// "retry" until the next); writes append records to the current outbound datagram, which ends
// on BIO_flush (OpenSSL flushes at the end of each flight and when the next record would not
// fit: it measures the datagram so far with BIO_wpending against the MTU).
class DatagramPipe {
 public:
  void set_inbound(std::span<const std::uint8_t> datagram) { inbound_ = datagram; }
  void clear_inbound() { inbound_ = {}; }
  [[nodiscard]] bool has_inbound() const { return !inbound_.empty(); }
  [[nodiscard]] std::size_t inbound_size() const { return inbound_.size(); }
  // Copies up to out.size() bytes of the datagram and consumes all of it: a datagram is read
  // whole or its tail is lost, as with a real UDP socket.
  std::size_t read(std::span<std::uint8_t> out);

  void write(std::span<const std::uint8_t> record);
  void end_datagram();
  [[nodiscard]] std::size_t current_datagram_size() const { return current_.size(); }
  // The finished datagrams, oldest first (ends the current one first).
  std::vector<std::vector<std::uint8_t>> take_datagrams();

 private:
  std::span<const std::uint8_t> inbound_;
  std::vector<std::uint8_t> current_;
  std::vector<std::vector<std::uint8_t>> finished_;
};

// A new BIO over `pipe`, which must outlive it. nullptr on allocation failure.
BIO* make_datagram_bio(DatagramPipe& pipe);

}  // namespace bailanys::rtc::dtls
