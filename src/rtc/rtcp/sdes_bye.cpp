// Source description (RFC 3550 §6.5) and goodbye (§6.6) packets.
#include <algorithm>

#include "common/bytes.hpp"
#include "rtc/rtcp/packet_codec.hpp"

namespace bailanys::rtc::rtcp::detail {
namespace {

constexpr std::uint8_t kEndItem = 0;
constexpr std::uint8_t kCnameItem = 1;
constexpr std::size_t kMaxSourcesPerPacket = 31;  // the 5-bit SC field
constexpr std::size_t kMaxText = 255;             // 8-bit length fields

std::size_t align4(std::size_t n) { return (n + 3) / 4 * 4; }

// One chunk: SSRC, items, then a null item and zeros to the next 32-bit boundary.
bool read_chunk(std::span<const std::uint8_t> body, std::size_t& pos, SdesChunk& chunk) {
  if (body.size() - pos < 4) return false;
  chunk.ssrc = load_be32(&body[pos]);
  pos += 4;
  while (true) {
    if (pos >= body.size()) return false;  // no terminating null item
    const std::uint8_t type = body[pos];
    if (type == kEndItem) {
      pos = align4(pos + 1);
      return pos <= body.size();
    }
    if (body.size() - pos < 2) return false;
    const std::size_t length = body[pos + 1];
    if (length > body.size() - pos - 2) return false;
    if (type == kCnameItem) {
      chunk.cname.assign(reinterpret_cast<const char*>(&body[pos + 2]), length);
    }
    pos += 2 + length;
  }
}

}  // namespace

std::optional<Sdes> parse_sdes(const RtcpHeaderView& h, RtcpRejectReason& why) {
  Sdes sdes;
  sdes.chunks.reserve(h.format);
  std::size_t pos = 0;
  for (std::size_t i = 0; i < h.format; ++i) {
    SdesChunk chunk;
    if (!read_chunk(h.body, pos, chunk)) {
      why = RtcpRejectReason::SdesTruncated;
      return std::nullopt;
    }
    sdes.chunks.push_back(std::move(chunk));
  }
  return sdes;
}

std::optional<Bye> parse_bye(const RtcpHeaderView& h, RtcpRejectReason& why) {
  ByteReader in(h.body);
  Bye bye;
  bye.ssrcs.reserve(h.format);
  for (std::size_t i = 0; i < h.format && in.ok(); ++i) bye.ssrcs.push_back(in.u32());
  if (in.ok() && in.remaining() > 0) {  // optional length-prefixed reason
    const std::uint8_t length = in.u8();
    const auto text = in.bytes(length);
    bye.reason.assign(reinterpret_cast<const char*>(text.data()), text.size());
  }
  if (!in.ok()) {
    why = RtcpRejectReason::ByeTruncated;
    return std::nullopt;
  }
  return bye;
}

bool write_sdes(std::vector<std::uint8_t>& out, const Sdes& sdes) {
  std::span<const SdesChunk> rest(sdes.chunks);
  do {  // an empty SDES is still one (empty) packet
    const auto chunks = rest.first(std::min(rest.size(), kMaxSourcesPerPacket));
    const std::size_t start =
        begin_packet(out, static_cast<std::uint8_t>(chunks.size()), kSdesType);
    ByteWriter w(out);
    for (const auto& chunk : chunks) {
      w.u32(chunk.ssrc);
      if (!chunk.cname.empty()) {
        const std::size_t length = std::min(chunk.cname.size(), kMaxText);
        w.u8(kCnameItem);
        w.u8(static_cast<std::uint8_t>(length));
        w.bytes({reinterpret_cast<const std::uint8_t*>(chunk.cname.data()), length});
      }
      w.u8(kEndItem);
      w.zeros(align4(out.size() - start) - (out.size() - start));
    }
    if (!finish_packet(out, start)) return false;
    rest = rest.subspan(chunks.size());
  } while (!rest.empty());
  return true;
}

bool write_bye(std::vector<std::uint8_t>& out, const Bye& bye) {
  std::span<const std::uint32_t> rest(bye.ssrcs);
  do {  // the reason goes with the last packet
    const auto ssrcs = rest.first(std::min(rest.size(), kMaxSourcesPerPacket));
    rest = rest.subspan(ssrcs.size());
    const std::size_t start =
        begin_packet(out, static_cast<std::uint8_t>(ssrcs.size()), kByeType);
    ByteWriter w(out);
    for (const std::uint32_t ssrc : ssrcs) w.u32(ssrc);
    if (rest.empty() && !bye.reason.empty()) {
      const std::size_t length = std::min(bye.reason.size(), kMaxText);
      w.u8(static_cast<std::uint8_t>(length));
      w.bytes({reinterpret_cast<const std::uint8_t*>(bye.reason.data()), length});
    }
    if (!finish_packet(out, start)) return false;
  } while (!rest.empty());
  return true;
}

}  // namespace bailanys::rtc::rtcp::detail
