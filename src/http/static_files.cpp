#include "http/static_files.hpp"

#include "common/random.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace bailanys::http {
namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Only plain relative paths of safe characters: no "..", no encoded bytes, no
// backslashes, so neither the disk nor the table can be walked out of.
bool safe_relative_path(std::string_view p) {
  if (p.empty() || p.size() > 200 || p.front() == '/') return false;
  for (const char c : p) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '/' || c == '.' || c == '-' || c == '_';
    if (!ok) return false;
  }
  std::string_view rest = p;
  while (!rest.empty()) {
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    if (segment.empty() || segment == "." || segment == ".." || segment.front() == '.') {
      return false;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

}  // namespace

std::string content_type_for(std::string_view path) {
  if (ends_with(path, ".html")) return "text/html; charset=utf-8";
  if (ends_with(path, ".js") || ends_with(path, ".mjs")) return "text/javascript; charset=utf-8";
  if (ends_with(path, ".css")) return "text/css; charset=utf-8";
  if (ends_with(path, ".json")) return "application/json; charset=utf-8";
  if (ends_with(path, ".svg")) return "image/svg+xml";
  if (ends_with(path, ".png")) return "image/png";
  if (ends_with(path, ".ico")) return "image/x-icon";
  if (ends_with(path, ".woff2")) return "font/woff2";
  if (ends_with(path, ".webmanifest")) return "application/manifest+json";
  return "application/octet-stream";
}

void add_page_security_headers(HttpResponse& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data: blob:; media-src 'self' blob: mediastream:; connect-src 'self'; "
      "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Permissions-Policy",
                                "camera=(self), microphone=(self), display-capture=(self)");
}

StaticFiles::StaticFiles(std::string web_root) : root_(std::move(web_root)) {
  if (!root_.empty()) return;
  for (const auto& f : embedded_web_files()) {
    embedded_.emplace(f.path, Entry{f.data, "\"" + sha256_hex(f.data).substr(0, 20) + "\""});
  }
}

std::optional<HttpResponse> StaticFiles::get(std::string_view relative,
                                             const HttpRequest& request) const {
  if (!safe_relative_path(relative)) return std::nullopt;
  HttpResponse r;
  r.content_type = content_type_for(relative);
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");
  // Revalidate every time: a new binary must never run against an old cached client.
  r.headers.emplace_back("Cache-Control", "no-cache");
  if (root_.empty()) {
    const auto it = embedded_.find(relative);
    if (it == embedded_.end()) return std::nullopt;
    r.headers.emplace_back("ETag", it->second.etag);
    const std::string* inm = request.header("if-none-match");
    if (inm != nullptr && *inm == it->second.etag) {
      r.status = 304;
      return r;
    }
    r.body = std::string(it->second.data);
    return r;
  }
  const std::filesystem::path file = std::filesystem::path(root_) / std::string(relative);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buf;
  buf << in.rdbuf();
  r.body = buf.str();
  return r;
}

}  // namespace bailanys::http
