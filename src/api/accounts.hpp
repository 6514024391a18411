// /api/auth/* and /api/me. Run on a store-pool thread.
#pragma once

#include "api/context.hpp"

namespace bailanys::api {

http::HttpResponse handle_signup(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_signin(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_signout(const RequestContext& ctx, store::Store& store);
// {"user": User|null}: who the page belongs to, without a 401 for guests.
http::HttpResponse handle_get_session(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_get_me(const RequestContext& ctx, store::Store& store);
http::HttpResponse handle_patch_me(const RequestContext& ctx, store::Store& store);

}  // namespace bailanys::api
