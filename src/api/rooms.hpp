// /api/rooms/* and /api/my/rooms. Run on a store-pool thread.
#pragma once

#include "api/context.hpp"

namespace bailanys::api {

http::HttpResponse handle_create_room(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_get_room(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_patch_room(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_room_messages(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_my_rooms(const RequestContext& ctx, store::Store& store);

// Finds the room for ctx.path_param (any case, dashes optional) or throws 404.
store::Room find_room_or_throw(const RequestContext& ctx, store::Store& store);

}  // namespace bailanys::api
