// What a subscriber should have received of a simulcast camera: the SFU forwards one layer at a
// time, so counting every layer's packets as expected would make two thirds of them "lost".
//
// The rule (README.md, "Simulcast accounting"): the publisher records the order in which its
// layers' packets left (SentOrder: one entry per video packet, all layers interleaved as sent).
// For each subscriber the entries are walked in that order; the layer the subscriber is "on" is
// the layer of the latest packet it received (first transmission or retransmission), and before
// it received anything the layer it asked for. An entry inside the window is expected when its
// layer is the one the subscriber is on at that point, and delivered when the subscriber has it.
// So a switch is counted at the first packet of the new layer the subscriber got: old-layer
// packets sent after it are not expected (the SFU no longer forwards them), lost packets inside
// a run of one layer are (NACK may still recover them). A lost packet at the very start of a new
// layer's run, before its first received packet, falls in the old layer's run and is not counted.
// With --churn only the entries sent while both were there count (tally.hpp): `from` and
// `until` bound them by send time; the walk itself still starts at the first entry.
#pragma once

#include "load_clock.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

namespace bailanys::load {

struct ReceivedStream;

// One video packet of a simulcast publisher, in send order.
struct SentRef {
  std::uint32_t number = 0;  // probe packet number within its layer
  std::uint8_t layer = 0;
  bool in_window = false;  // sent inside the measurement window
  TimeUs sent = 0;         // steady µs it left
};
using SentOrder = std::vector<SentRef>;

struct LayerAccount {
  std::uint64_t expected = 0, delivered = 0;
  std::array<std::uint64_t, 4> delivered_by_layer{};  // window packets delivered, per layer
};

// `got`: what the subscriber received of this track (every layer); `asked_layer`: the layer it
// asked for before its first packet. Only window entries sent in [from, until) count.
LayerAccount account_simulcast(const SentOrder& order, const ReceivedStream& got, int asked_layer,
                               TimeUs from = 0, TimeUs until = std::numeric_limits<TimeUs>::max());

}  // namespace bailanys::load
