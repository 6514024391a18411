#include "api/rooms.hpp"

#include "auth/room_code.hpp"
#include "auth/validation.hpp"
#include "views/views.hpp"

#include <charconv>

namespace bailanys::api {
namespace {

constexpr int kDefaultPage = 50;
constexpr int kMaxPage = 100;
constexpr int kMyRoomsLimit = 50;

std::optional<long long> parse_int(const std::string& s) {
  long long v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

std::string clean_room_name_or_throw(const std::string& name) {
  auto clean = auth::clean_room_name(name);
  if (!clean) throw invalid_field("name", "room name must be at most 100 characters");
  return std::move(*clean);
}

}  // namespace

store::Room find_room_or_throw(const RequestContext& ctx, store::Store& store) {
  const auto code = auth::normalize_room_code(ctx.path_param);
  auto room = code ? store.find_room_by_code(*code) : std::nullopt;
  if (!room) throw ApiError(404, "not_found", "no room with that code");
  return std::move(*room);
}

http::HttpResponse handle_create_room(const RequestContext& ctx, store::Store& store) {
  const store::User user = require_user(ctx, store);
  const std::string name = clean_room_name_or_throw(optional_string(ctx.body, "name").value_or(""));
  const bool allow_guests = optional_bool(ctx.body, "allowGuests").value_or(true);
  // 45 bits make a collision very unlikely; retry a few times all the same.
  for (int attempt = 0; attempt < 5; ++attempt) {
    auto room = store.create_room({auth::generate_room_code(), name, user.id, allow_guests, ctx.now});
    if (room) return json_response(201, {{"room", views::room_json(*room, user.id)}});
  }
  throw ApiError(500, "internal", "could not allocate a room code");
}

http::HttpResponse handle_get_room(const RequestContext& ctx, store::Store& store) {
  const store::Room room = find_room_or_throw(ctx, store);
  const auto user = current_user(ctx, store);
  return json_response(200, {{"room", views::room_json(room, user ? std::optional(user->id)
                                                                   : std::nullopt)}});
}

http::HttpResponse handle_patch_room(const RequestContext& ctx, store::Store& store) {
  const store::User user = require_user(ctx, store);
  store::Room room = find_room_or_throw(ctx, store);
  if (room.owner_id != user.id) throw ApiError(403, "forbidden", "only the owner can change a room");
  if (const auto name = optional_string(ctx.body, "name")) room.name = clean_room_name_or_throw(*name);
  if (const auto guests = optional_bool(ctx.body, "allowGuests")) room.allow_guests = *guests;
  store.update_room(room.id, room.name, room.allow_guests);
  return json_response(200, {{"room", views::room_json(room, user.id)}});
}

http::HttpResponse handle_room_messages(const RequestContext& ctx, store::Store& store) {
  const store::Room room = find_room_or_throw(ctx, store);
  if (!room.allow_guests) require_user(ctx, store);
  int limit = kDefaultPage;
  if (const auto text = ctx.request.query_param("limit")) {
    const auto v = parse_int(*text);
    if (!v || *v < 1 || *v > kMaxPage) throw invalid_field("limit", "limit must be 1-100");
    limit = static_cast<int>(*v);
  }
  std::optional<store::Id> before;
  if (const auto text = ctx.request.query_param("before")) {
    const auto v = parse_int(*text);
    if (!v || *v < 1) throw invalid_field("before", "before must be a message id");
    before = *v;
  }
  // One extra row tells whether an older page exists.
  auto rows = store.messages_before(room.id, before, limit + 1);
  const bool has_more = static_cast<int>(rows.size()) > limit;
  if (has_more) rows.erase(rows.begin());
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& m : rows) messages.push_back(views::message_json(m));
  return json_response(200, {{"messages", messages}, {"hasMore", has_more}});
}

http::HttpResponse handle_my_rooms(const RequestContext& ctx, store::Store& store) {
  const store::User user = require_user(ctx, store);
  nlohmann::json owned = nlohmann::json::array();
  for (const auto& r : store.rooms_owned_by(user.id, kMyRoomsLimit)) {
    owned.push_back(views::room_json(r, user.id));
  }
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& v : store.recent_rooms(user.id, kMyRoomsLimit)) {
    auto j = views::room_json(v.room, user.id);
    j["lastJoinedAt"] = v.last_joined_at;
    recent.push_back(std::move(j));
  }
  return json_response(200, {{"owned", owned}, {"recent", recent}});
}

}  // namespace bailanys::api
