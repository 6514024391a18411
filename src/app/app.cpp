#include "app/app.hpp"

#include "api/service.hpp"
#include "app/media_setup.hpp"
#include "auth/password.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "http/server.hpp"
#include "http/static_files.hpp"
#include "net/control_loop.hpp"
#include "signaling/hub.hpp"
#include "store/store_pool.hpp"

#include <spdlog/spdlog.h>

#include <filesystem>
#include <iostream>

namespace bailanys::app {
namespace {

bool is_postgres(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

// Hides the password of a database URL for the log.
std::string redact(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

int serve(const config::Config& cfg) {
  init_crypto();
  const std::string db_url = cfg.effective_db_url();
  if (!is_postgres(db_url)) {
    std::error_code ec;
    std::filesystem::create_directories(cfg.data_dir, ec);
    if (ec) throw std::runtime_error("cannot create the data folder " + cfg.data_dir + ": " + ec.message());
  }
  spdlog::info("database: {}", redact(db_url));
  store::open_store(db_url)->migrate();
  const int threads = cfg.store_threads > 0 ? cfg.store_threads : (is_postgres(db_url) ? 4 : 2);
  store::StorePool pool([&] { return store::open_store(db_url); }, threads, 1024);

  net::ControlLoop loop;
  signaling::HubOptions hub_options;
  hub_options.max_room_size = cfg.max_room_size;
  hub_options.allowed_origins = cfg.allowed_origins;
  hub_options.max_media_participants = cfg.max_media_participants;
  signaling::Hub hub(pool, [&loop](std::function<void()> fn) { loop.post(std::move(fn)); },
                     {wall_now_ms, steady_now_ms}, hub_options);

  auto media = create_media_workers(cfg);
  // Room events come from the media threads; the hub handles them on the control thread.
  media->set_room_event_sink([&loop, &hub](sfu::RoomEvent e) {
    loop.post([&hub, e = std::move(e)] { hub.on_media_event(e); });
  });
  hub.set_media(media.get());
  media->start();

  const http::StaticFiles files(cfg.web_root);
  const auto cost = auth::default_password_cost();
  api::ApiService api(pool, files,
                      {cfg.allowed_origins, cfg.tls(), cost.ops, cost.mem_bytes}, media.get());

  http::ServerOptions server_options;
  server_options.host = cfg.listen_host;
  server_options.port = cfg.listen_port;
  server_options.tls_cert_file = cfg.tls_cert;
  server_options.tls_key_file = cfg.tls_key;
  http::HttpServer server(loop, server_options, api, hub);
  server.start();

  loop.every(std::chrono::seconds(1), [&hub] { hub.tick(); });
  loop.every(std::chrono::hours(1), [&pool] {
    pool.submit([](store::Store& s) { s.delete_expired_sessions(wall_now_ms()); });
  });
  loop.on_stop_signal([&](int sig) {
    spdlog::info("signal {}: shutting down", sig);
    server.stop();
    loop.stop();
  });

  const bool v6 = cfg.listen_host.find(':') != std::string::npos;
  spdlog::info("Bailanys is listening on {}://{}{}{}:{}{}", cfg.tls() ? "https" : "http",
               v6 ? "[" : "", cfg.listen_host, v6 ? "]" : "", server.port(),
               cfg.web_root.empty() ? "" : " (web client from " + cfg.web_root + ")");
  loop.run();
  media->stop();
  // Jobs still queued may post to the loop; drain them before anything is destroyed.
  pool.stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

int run_server(const config::Config& cfg) {
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  try {
    return serve(cfg);
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace bailanys::app
