// The web client's files: embedded in the binary at build time (web/CMakeLists.txt
// generates the table), or read from a folder with --web-root while developing.
#pragma once

#include "http/types.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bailanys::http {

struct EmbeddedFile {
  std::string_view path;  // relative to web/, e.g. "js/app.js"
  std::string_view data;
};
// Defined by the generated bailanys_web_assets library.
std::span<const EmbeddedFile> embedded_web_files();

class StaticFiles {
 public:
  // Empty root: serve the embedded copy.
  explicit StaticFiles(std::string web_root);

  // `relative` is a path below web/ as it appeared in the URL (not yet decoded).
  // Returns nullopt when there is no such file or the path is unsafe.
  [[nodiscard]] std::optional<HttpResponse> get(std::string_view relative,
                                                const HttpRequest& request) const;

 private:
  struct Entry {
    std::string_view data;
    std::string etag;
  };
  std::string root_;
  std::unordered_map<std::string_view, Entry> embedded_;
};

// Content type for a file name, by its extension.
std::string content_type_for(std::string_view path);
// Headers every HTML page gets (Content-Security-Policy and friends).
void add_page_security_headers(HttpResponse& response);

}  // namespace bailanys::http
