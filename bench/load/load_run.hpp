// One load run: builds the participants, spreads them over --threads MediaLoops, starts them,
// waits until every subscriber receives every stream (or the join timeout), measures for
// --duration, stops the senders, lets late packets drain, closes everything and adds up.
#pragma once

#include "load_options.hpp"
#include "report.hpp"
#include "signaling.hpp"

namespace bailanys::load {

// Blocking. The adapter must be prepared. Progress goes to stderr unless `quiet`.
RunResult run_load(const LoadOptions& options, SignalingAdapter& signaling, bool quiet);

}  // namespace bailanys::load
