#include "rtc/dtls/dtls_srtp_keys.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <array>
#include <string_view>

namespace bailanys::rtc::dtls {

namespace {
constexpr std::string_view kExporterLabel = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2
}  // namespace

std::optional<SrtpKeyMaterial> split_srtp_keying_material(srtp::SrtpProfile profile,
                                                          std::span<const std::uint8_t> material,
                                                          DtlsRole local_role) {
  const std::size_t key = srtp::srtp_key_length(profile);
  const std::size_t salt = srtp::srtp_salt_length(profile);
  if (material.size() != 2 * (key + salt)) return std::nullopt;

  const auto client_key = material.subspan(0, key);
  const auto server_key = material.subspan(key, key);
  const auto client_salt = material.subspan(2 * key, salt);
  const auto server_salt = material.subspan(2 * key + salt, salt);

  std::vector<std::uint8_t> client(client_key.begin(), client_key.end());
  client.insert(client.end(), client_salt.begin(), client_salt.end());
  std::vector<std::uint8_t> server(server_key.begin(), server_key.end());
  server.insert(server.end(), server_salt.begin(), server_salt.end());

  if (local_role == DtlsRole::Client) return SrtpKeyMaterial{profile, std::move(client), std::move(server)};
  return SrtpKeyMaterial{profile, std::move(server), std::move(client)};
}

std::optional<SrtpKeyMaterial> export_srtp_keys(SSL* ssl, srtp::SrtpProfile profile,
                                                DtlsRole local_role) {
  std::array<std::uint8_t, 64> material{};
  const std::size_t size = 2 * (srtp::srtp_key_length(profile) + srtp::srtp_salt_length(profile));
  if (ssl == nullptr || size > material.size()) return std::nullopt;
  if (SSL_export_keying_material(ssl, material.data(), size, kExporterLabel.data(),
                                 kExporterLabel.size(), nullptr, 0, 0) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  auto keys = split_srtp_keying_material(profile, std::span(material.data(), size), local_role);
  OPENSSL_cleanse(material.data(), material.size());
  return keys;
}

}  // namespace bailanys::rtc::dtls
