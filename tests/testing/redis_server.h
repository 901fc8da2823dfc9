// RedisServer: a real `redis-server` child process for integration tests, on
// a free loopback port, with no persistence and its own temporary data dir.
//
//   ASSERT_OK_AND_ASSIGN(std::unique_ptr<RedisServer> redis,
//                        RedisServer::Create());
//   RedisOptions options;
//   options.port = redis->port();
//   ...
//   ASSERT_OK(redis->Stop());   // Simulate an outage.
//   ASSERT_OK(redis->Start());  // Same port, empty data.
//
// The binary is $BACKPLAN_REDIS_SERVER if set, else `redis-server` on PATH,
// else /usr/bin/redis-server. It runs with --bind 127.0.0.1 --save ""
// --appendonly no and, when a password is given, --requirepass. Create() and
// Start() return once the server answers PING (or NOAUTH, which proves the
// same). The port is picked by binding port 0; if redis-server then fails to
// bind it (another process took it meanwhile), Create() retries on a new
// port. Start() after Stop() reuses the same port and fails if it is taken.
//
// The child is killed in the destructor, and also (PR_SET_PDEATHSIG) when the
// thread that started it exits, so a crashed test leaves no server behind:
// call Create/Start from a thread that outlives the server, e.g. the test's
// main thread. Not thread-safe: drive one RedisServer from one thread.
#ifndef BACKPLAN_TESTS_TESTING_REDIS_SERVER_H_
#define BACKPLAN_TESTS_TESTING_REDIS_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace backplan::testing {

struct RedisServerOptions {
  std::string password;  // Empty: no AUTH required.
  // How long Create()/Start() wait for the server to answer.
  absl::Duration start_timeout = absl::Seconds(10);
};

class RedisServer {
 public:
  // Starts a server on a free port. UNAVAILABLE if it cannot be started.
  static absl::StatusOr<std::unique_ptr<RedisServer>> Create(
      RedisServerOptions options = {});

  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;
  ~RedisServer();  // Kills the server and removes its data dir.

  // Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to
  // exit; connections are closed and all data is lost. OK if not running.
  absl::Status Stop();
  // Starts it again on the same port after Stop(). OK if already running.
  absl::Status Start();

  bool running() const { return pid_ > 0; }
  const std::string& host() const { return host_; }  // "127.0.0.1".
  int port() const { return port_; }
  const std::string& password() const { return options_.password; }
  // Where redis-server writes its log (inside the temporary data dir).
  std::string log_path() const { return dir_ + "/redis.log"; }

 private:
  RedisServer(RedisServerOptions options, std::string binary, std::string dir)
      : options_(std::move(options)),
        binary_(std::move(binary)),
        dir_(std::move(dir)) {}

  // Launches redis-server on port_ and waits until it answers. On failure
  // the child is reaped and pid_ is 0.
  absl::Status Launch();

  const RedisServerOptions options_;
  const std::string binary_;
  const std::string dir_;
  const std::string host_ = "127.0.0.1";
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace backplan::testing

#endif  // BACKPLAN_TESTS_TESTING_REDIS_SERVER_H_
