#include "simulcast_accounting.hpp"

#include "media_sink.hpp"

namespace bailanys::load {

LayerAccount account_simulcast(const SentOrder& order, const ReceivedStream& got, int asked_layer,
                               TimeUs from, TimeUs until) {
  LayerAccount a;
  int on = asked_layer;
  for (const SentRef& sent : order) {
    const bool has = got.has(sent.number, sent.layer);
    if (has) on = sent.layer;
    if (!sent.in_window || sent.layer != on || sent.sent < from || sent.sent >= until) continue;
    ++a.expected;
    if (has) {
      ++a.delivered;
      ++a.delivered_by_layer[sent.layer % a.delivered_by_layer.size()];
    }
  }
  return a;
}

}  // namespace bailanys::load
