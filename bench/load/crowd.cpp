#include "crowd.hpp"

#include "net/media_loop.hpp"

#include <chrono>
#include <thread>

namespace bailanys::load {

namespace {

constexpr auto kTick = std::chrono::milliseconds(2);
constexpr auto kCloseWait = std::chrono::milliseconds(200);

}  // namespace

Crowd::Crowd(int threads) : ticked_(static_cast<std::size_t>(threads)) {
  for (int i = 0; i < threads; ++i) {
    loops_.push_back(std::make_unique<net::MediaLoop>("load-" + std::to_string(i)));
    std::vector<Participant*>* list = &ticked_[static_cast<std::size_t>(i)];
    loops_.back()->every(kTick, [list] {
      const TimeUs now = now_us();
      for (Participant* p : *list) p->on_tick(now);
    });
    loops_.back()->start();
  }
}

Crowd::~Crowd() {
  for (auto& loop : loops_) loop->stop();
  for (auto& loop : loops_) loop->join();
  people_.clear();  // only once no loop thread runs
}

Participant& Crowd::add(ParticipantConfig config, SignalingAdapter& signaling,
                        std::shared_ptr<const rtc::dtls::DtlsCertificate> certificate,
                        const RunWindow& window) {
  const auto loop = static_cast<std::size_t>(config.index) % loops_.size();
  people_.push_back(std::make_unique<Participant>(std::move(config), *loops_[loop], signaling,
                                                  std::move(certificate), window));
  return *people_.back();
}

void Crowd::post(Participant& p, std::function<void(Participant&)> fn) {
  loops_[loop_of(p)]->post([&p, fn = std::move(fn)] { fn(p); });
}

void Crowd::start(Participant& p) {
  const std::size_t loop = loop_of(p);
  std::vector<Participant*>* list = &ticked_[loop];
  loops_[loop]->post([list, &p] {
    list->push_back(&p);
    p.start();
  });
}

void Crowd::close_and_stop() {
  for (std::size_t t = 0; t < loops_.size(); ++t) {
    std::vector<Participant*>* list = &ticked_[t];
    loops_[t]->post([list] {
      for (Participant* p : *list) p->close();
    });
  }
  std::this_thread::sleep_for(kCloseWait);
  for (auto& loop : loops_) loop->stop();
  for (auto& loop : loops_) loop->join();
}

}  // namespace bailanys::load
