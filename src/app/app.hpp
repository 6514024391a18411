#pragma once

#include "config/config.hpp"

namespace bailanys::app {

// Runs the server until SIGINT/SIGTERM. Returns the process exit code; prints a
// readable error (and returns 1) when it cannot start.
int run_server(const config::Config& config);

}  // namespace bailanys::app
