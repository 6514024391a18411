// Picks a room's dominant speaker from the audio levels publishers put in every audio packet
// (RFC 6464: 0..127 = -dBov, 127 = silence, plus the sender's voice-activity flag), without
// decoding audio. A simplified form of "dominant speaker identification" (Volfin & Cohen, the
// method Jitsi uses): instead of likelihood scores over three time scales, each participant's
// speech is kept in short time bins and a challenger must be clearly louder than the current
// speaker in most bins of the last second before it takes over. So:
// - a clear talker wins within about a second when nobody else is talking;
// - a cough, a laugh, a word of agreement or one loud packet does not switch (too few bins);
// - crosstalk at similar levels keeps the current speaker (no flicker);
// - silence, however long, keeps the last speaker;
// - remove() ends a participant; if it was the speaker there is none until someone talks.
//
// Pure: no I/O, time is `now` (monotonic ms, >= 0). Per packet it does one hash lookup and no
// allocation; add() allocates a participant's bins. Bins are aligned to absolute time, so the
// result does not depend on packet rate (10–60 ms frames, or DTX sending nothing in silence).
#pragma once

#include "common/clock.hpp"

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace bailanys::sfu {

class ActiveSpeakerDetector {
 public:
  // The room's own numeric id for a participant (the packet path never hashes strings).
  using ParticipantId = std::uint64_t;

  struct Options {
    // Time resolution. A bin holds the loudest speech packet that fell in it, so it must be at
    // least as long as the longest packet interval (Opus frames are up to 60 ms in WebRTC).
    TimeMs bin_ms = 100;
    // The challenger's record that update() looks at (completed bins only).
    TimeMs window_ms = 1000;
    // Share of the window's bins, in percent, in which a challenger must lead the current
    // speaker (speak while they are silent, or be lead_margin_db louder) to take over. With
    // the defaults: 7 bins, about 0.7–1 s of sustained speech.
    int takeover_percent = 70;
    // A packet can be speech only at or above this loudness: level <= speech_level (-60 dBov;
    // speech into a browser microphone is about -15 to -45 dBov, a quiet room below -70).
    std::uint8_t speech_level = 60;
    // "Clearly louder", in dB, when both are speaking in the same bin.
    std::uint8_t lead_margin_db = 6;
    // Count a packet only when its voice-activity flag is set (Chromium sets it from its VAD).
    // Turn off for senders that never set it; then level alone decides.
    bool use_voice_flag = true;
  };

  ActiveSpeakerDetector() : ActiveSpeakerDetector(Options{}) {}
  static constexpr TimeMs kMinBinMs = 60;

  // Out-of-range options are clamped: bin_ms >= kMinBinMs, window of 1..100 bins, percent
  // 1..100.
  explicit ActiveSpeakerDetector(Options options);

  // Starts following a participant (idempotent). Levels of unknown participants are ignored,
  // so a straggling packet after remove() cannot bring one back.
  void add(ParticipantId id);
  // Stops following it; true when it was the dominant speaker (there is none now: the caller
  // may announce that; update() picks the next one when someone talks).
  bool remove(ParticipantId id);

  // One audio packet's RFC 6464 level (0..127, -dBov) and voice flag. False when `id` is not
  // followed.
  bool on_audio_level(ParticipantId id, std::uint8_t level, bool voice, TimeMs now);

  // Call every ~300 ms. Returns the new dominant speaker when it changed, else nullopt.
  std::optional<ParticipantId> update(TimeMs now);

  [[nodiscard]] std::optional<ParticipantId> dominant() const { return dominant_; }
  [[nodiscard]] std::size_t participant_count() const { return participants_.size(); }

 private:
  struct Bin {
    std::int64_t index = -1;    // absolute bin number (time / bin_ms); -1 = never written
    std::uint8_t loudness = 0;  // dB above the speech threshold, + 1; 0 = no speech
  };
  struct Participant {
    std::vector<Bin> bins;  // ring of window bins + the one in progress
  };

  [[nodiscard]] std::uint8_t loudness_in(const Participant& p, std::int64_t index) const;

  Options options_;
  std::int64_t window_bins_;
  std::int64_t bins_to_lead_;
  std::unordered_map<ParticipantId, Participant> participants_;
  std::optional<ParticipantId> dominant_;
};

}  // namespace bailanys::sfu
