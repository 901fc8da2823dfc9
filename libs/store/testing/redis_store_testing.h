// Helpers shared by the store's tests against a real redis-server
// (tests/testing/redis_server.h): options that reach a server, a raw command
// for looking at stored bytes directly, and a test event.
//
//   RedisPool raw(OptionsFor(*server));
//   EXPECT_EQ(RawCommand(raw, {"HGET", key, "schema"}), "1");
#ifndef BACKPLAN_LIBS_STORE_TESTING_REDIS_STORE_TESTING_H_
#define BACKPLAN_LIBS_STORE_TESTING_REDIS_STORE_TESTING_H_

#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "libs/store/plan_store.h"
#include "libs/store/redis_pool.h"
#include "tests/testing/redis_server.h"

namespace backplan::testing {

// Options that reach `server`: its host, port and password.
RedisOptions OptionsFor(const RedisServer& server);

// Sends one command on a connection of `pool` and returns the reply as text:
// strings as they are, integers in decimal, "" for nil, and the status
// message when the command could not be sent or Redis answered an error.
std::string RawCommand(RedisPool& pool,
                       std::initializer_list<absl::string_view> args);

// An event of `type` with the request id "req".
EventInfo TestEvent(absl::string_view type);

}  // namespace backplan::testing

#endif  // BACKPLAN_LIBS_STORE_TESTING_REDIS_STORE_TESTING_H_
