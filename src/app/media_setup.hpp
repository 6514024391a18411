// Builds the media workers from the configuration: DTLS certificate, ports, announced addresses.
#pragma once

#include "config/config.hpp"
#include "sfu/media_workers.hpp"

#include <memory>

namespace bailanys::app {

// Throws std::runtime_error with a readable message when a port cannot be opened.
std::unique_ptr<sfu::MediaWorkers> create_media_workers(const config::Config& config);

}  // namespace bailanys::app
