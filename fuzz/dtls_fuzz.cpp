// libFuzzer target for rtc/dtls: arbitrary datagrams to a DTLS server and to a client that is
// waiting for a ServerHello never crash, never throw and never produce a connection.
#include "rtc/dtls/dtls_transport.hpp"

#include <cstddef>
#include <cstdint>
#include <span>

using namespace bailanys::rtc::dtls;

namespace {

class QuietListener : public DtlsListener {
 public:
  void on_dtls_send(std::span<const std::uint8_t> datagram) override { bytes_sent += datagram.size(); }
  void on_dtls_connected(const SrtpKeyMaterial&) override { ++connected; }
  void on_dtls_failed(std::string_view) override { ++failed; }
  void on_dtls_closed() override { ++closed; }
  std::size_t bytes_sent = 0;
  int connected = 0;
  int failed = 0;
  int closed = 0;
};

const std::shared_ptr<const DtlsCertificate>& certificate() {
  static const auto c = DtlsCertificate::generate();
  return c;
}

void feed(DtlsRole role, const std::uint8_t* data, std::size_t size) {
  QuietListener events;
  DtlsTransport transport(certificate(), events);
  transport.set_remote_fingerprint("sha-256", certificate()->fingerprint_sha256());
  transport.start(role, 0);
  // Two-byte length prefixes split the input into datagrams.
  std::size_t at = 0;
  while (at + 2 <= size) {
    const std::size_t length = (std::size_t{data[at]} << 8 | data[at + 1]) % 2048;
    at += 2;
    const std::size_t take = length < size - at ? length : size - at;
    transport.handle_packet(std::span(data + at, take), 0);
    at += take;
  }
  transport.handle_timeout(0);
  // Without our peer's private key nothing can complete a handshake.
  if (events.connected != 0 || events.failed > 1) __builtin_trap();
  if (transport.state() == DtlsState::Connected) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;
  feed(DtlsRole::Server, data, size);
  feed(DtlsRole::Client, data, size);
  return 0;
}
