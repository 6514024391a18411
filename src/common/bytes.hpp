// Big-endian byte access for the protocol engines (network byte order, RFC 1700).
// ByteReader never reads past the end: a short read returns 0 and clears ok(),
// so parsers check ok() once at the end instead of before every field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bailanys {

inline std::uint16_t load_be16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be24(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 16) | (std::uint32_t{p[1]} << 8) | p[2];
}
inline std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline std::uint64_t load_be64(const std::uint8_t* p) {
  return (std::uint64_t{load_be32(p)} << 32) | load_be32(p + 4);
}
inline void store_be16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void store_be24(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 16);
  p[1] = static_cast<std::uint8_t>(v >> 8);
  p[2] = static_cast<std::uint8_t>(v);
}
inline void store_be32(std::uint8_t* p, std::uint32_t v) {
  store_be16(p, static_cast<std::uint16_t>(v >> 16));
  store_be16(p + 2, static_cast<std::uint16_t>(v));
}
inline void store_be64(std::uint8_t* p, std::uint64_t v) {
  store_be32(p, static_cast<std::uint32_t>(v >> 32));
  store_be32(p + 4, static_cast<std::uint32_t>(v));
}

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> data) : data_(data) {}

  std::uint8_t u8() { return take(1) ? data_[pos_ - 1] : 0; }
  std::uint16_t u16() { return take(2) ? load_be16(&data_[pos_ - 2]) : 0; }
  std::uint32_t u24() { return take(3) ? load_be24(&data_[pos_ - 3]) : 0; }
  std::uint32_t u32() { return take(4) ? load_be32(&data_[pos_ - 4]) : 0; }
  std::uint64_t u64() { return take(8) ? load_be64(&data_[pos_ - 8]) : 0; }
  // The next `n` bytes (empty and !ok() when fewer remain).
  std::span<const std::uint8_t> bytes(std::size_t n) {
    return take(n) ? data_.subspan(pos_ - n, n) : std::span<const std::uint8_t>{};
  }
  void skip(std::size_t n) { take(n); }

  [[nodiscard]] std::size_t position() const { return pos_; }
  [[nodiscard]] std::size_t remaining() const { return data_.size() - pos_; }
  [[nodiscard]] bool ok() const { return ok_; }

 private:
  bool take(std::size_t n) {
    if (!ok_ || n > data_.size() - pos_) {
      ok_ = false;
      return false;
    }
    pos_ += n;
    return true;
  }

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

// Appends big-endian fields to a vector.
class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { grow(2, [&](std::uint8_t* p) { store_be16(p, v); }); }
  void u24(std::uint32_t v) { grow(3, [&](std::uint8_t* p) { store_be24(p, v); }); }
  void u32(std::uint32_t v) { grow(4, [&](std::uint8_t* p) { store_be32(p, v); }); }
  void u64(std::uint64_t v) { grow(8, [&](std::uint8_t* p) { store_be64(p, v); }); }
  void bytes(std::span<const std::uint8_t> b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void zeros(std::size_t n) { out_.insert(out_.end(), n, 0); }
  // Overwrites two bytes already written at `offset` (e.g. a length field).
  void patch_u16(std::size_t offset, std::uint16_t v) { store_be16(&out_[offset], v); }

  [[nodiscard]] std::size_t size() const { return out_.size(); }

 private:
  template <typename F>
  void grow(std::size_t n, F&& write) {
    const std::size_t at = out_.size();
    out_.resize(at + n);
    write(&out_[at]);
  }

  std::vector<std::uint8_t>& out_;
};

}  // namespace bailanys
