#include "views/views.hpp"

namespace bailanys::views {

nlohmann::json user_json(const store::User& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"displayName", user.display_name},
          {"language", user.language},
          {"createdAt", user.created_at}};
}

nlohmann::json room_json(const store::Room& room, std::optional<store::Id> viewer) {
  return {{"code", room.code},
          {"name", room.name},
          {"ownerId", room.owner_id},
          {"ownerName", room.owner_name},
          {"allowGuests", room.allow_guests},
          {"createdAt", room.created_at},
          {"isOwner", viewer.has_value() && *viewer == room.owner_id}};
}

nlohmann::json message_json(const store::Message& m) {
  return {{"id", m.id},
          {"clientId", m.client_id},
          {"authorId", m.author_user_id ? nlohmann::json(*m.author_user_id) : nlohmann::json()},
          {"authorName", m.author_name},
          {"text", m.body},
          {"createdAt", m.created_at}};
}

nlohmann::json error_json(std::string_view code, std::string_view message) {
  return {{"error", {{"code", code}, {"message", message}}}};
}

}  // namespace bailanys::views
