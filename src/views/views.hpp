#pragma once

#include "store/store.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string_view>

namespace bailanys::views {

nlohmann::json user_json(const store::User& user);
// `viewer` is the signed-in user looking at it, for "isOwner".
nlohmann::json room_json(const store::Room& room, std::optional<store::Id> viewer);
nlohmann::json message_json(const store::Message& message);
nlohmann::json error_json(std::string_view code, std::string_view message);

}  // namespace bailanys::views
