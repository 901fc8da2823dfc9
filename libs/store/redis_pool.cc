#include "libs/store/redis_pool.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <utility>

#include "absl/container/inlined_vector.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace backplan {
namespace {

timeval TimevalOf(absl::Duration d) {
  timeval tv = absl::ToTimeval(std::max(d, absl::Milliseconds(1)));
  return tv;
}

void IgnoreSigpipeOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 &&
        current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
  });
}

// A connection is usable when hiredis saw no error and the socket has
// nothing to read: between commands a healthy connection is silent, so a
// readable socket means EOF (server closed it) or a protocol mix-up.
bool Healthy(redisContext* context) {
  if (context->err != 0) return false;
  pollfd pfd{context->fd, POLLIN, 0};
  return poll(&pfd, 1, 0) == 0;
}

// Error replies that describe the server or the connection, not the command.
bool IsServerStateError(const redisReply* reply) {
  if (reply->type != REDIS_REPLY_ERROR) return false;
  absl::string_view message(reply->str, reply->len);
  for (absl::string_view prefix :
       {"NOAUTH", "WRONGPASS", "LOADING", "MASTERDOWN", "BUSY", "READONLY"}) {
    if (absl::StartsWith(message, prefix)) return true;
  }
  return false;
}

bool IsOutOfMemory(const redisReply* reply) {
  return reply->type == REDIS_REPLY_ERROR &&
         absl::StartsWith(absl::string_view(reply->str, reply->len), "OOM");
}

}  // namespace

absl::Duration CommandTimeout(const RedisOptions& options,
                              size_t payload_bytes) {
  return options.command_timeout +
         options.timeout_per_mib * (static_cast<double>(payload_bytes) /
                                    static_cast<double>(1 << 20));
}

void RedisReplyDeleter::operator()(redisReply* reply) const {
  freeReplyObject(reply);
}

RedisPool::Lease::Lease(Lease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      context_(std::exchange(other.context_, nullptr)) {}

RedisPool::Lease& RedisPool::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    if (pool_ != nullptr) pool_->Release(context_);
    pool_ = std::exchange(other.pool_, nullptr);
    context_ = std::exchange(other.context_, nullptr);
  }
  return *this;
}

RedisPool::Lease::~Lease() {
  if (pool_ != nullptr) pool_->Release(context_);
}

void RedisPool::Lease::Discard() {
  if (context_ != nullptr) {
    redisFree(context_);
    context_ = nullptr;
  }
}

absl::StatusOr<RedisReplyPtr> RedisPool::Lease::Command(
    absl::Span<const absl::string_view> args) {
  RedisObserver* observer = pool_->options_.observer;
  if (observer == nullptr) return UnobservedCommand(args);
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<RedisReplyPtr> reply = UnobservedCommand(args);
  // The store's commands are upper case already: no copy for them.
  std::string upper;
  absl::string_view name = args.empty() ? "" : args[0];
  if (std::any_of(name.begin(), name.end(), absl::ascii_islower)) {
    upper = absl::AsciiStrToUpper(name);
    name = upper;
  }
  observer->CommandDone(
      name,
      reply.ok() ? "ok"
                 : (absl::IsDeadlineExceeded(reply.status()) ? "timeout"
                                                             : "unavailable"),
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count());
  return reply;
}

absl::StatusOr<RedisReplyPtr> RedisPool::Lease::UnobservedCommand(
    absl::Span<const absl::string_view> args) {
  size_t payload = 0;
  for (absl::string_view arg : args) payload += arg.size();
  const absl::Duration timeout = CommandTimeout(pool_->options_, payload);
  // Small commands keep the connection's standing timeout: no extra calls.
  if (timeout - pool_->options_.command_timeout < absl::Milliseconds(1)) {
    return Send(args);
  }
  return CommandWithTimeout(args, timeout);
}

absl::StatusOr<RedisReplyPtr> RedisPool::Lease::Send(
    absl::Span<const absl::string_view> args) {
  if (context_ == nullptr) {
    return absl::UnavailableError("redis connection was discarded");
  }
  absl::InlinedVector<const char*, 16> argv;
  absl::InlinedVector<size_t, 16> argv_len;
  argv.reserve(args.size());
  argv_len.reserve(args.size());
  for (absl::string_view arg : args) {
    argv.push_back(arg.data());
    argv_len.push_back(arg.size());
  }
  // Sent in two steps so a failure can say whether Redis may have run the
  // command: before the whole command left (connection refused, reset while
  // writing) it certainly did not — Redis drops a partial command with its
  // connection — so UNAVAILABLE; after, the outcome is unknown (a timeout
  // waiting for the reply, or the connection dropped), so DEADLINE_EXCEEDED.
  auto failure = [&](bool sent, absl::string_view why = "") {
    if (why.empty()) {
      why = context_->errstr[0] != '\0' ? context_->errstr : "no reply";
    }
    const std::string where =
        absl::StrCat("redis ", pool_->options_.host, ":", pool_->options_.port,
                     ": ", args.empty() ? "" : args[0]);
    absl::Status status =
        sent ? absl::DeadlineExceededError(absl::StrCat(
                   where, " sent but not answered (outcome unknown): ", why))
             : absl::UnavailableError(
                   absl::StrCat(where, " failed, not sent: ", why));
    Discard();
    return status;
  };
  // Written here rather than by redisBufferWrite, which moves the unsent
  // rest of its buffer to the front after every partial write: quadratic,
  // seconds for a 64 MiB command.
  char* command = nullptr;
  const long long length = redisFormatCommandArgv(
      &command, static_cast<int>(argv.size()), argv.data(), argv_len.data());
  if (length < 0) return failure(/*sent=*/false, "cannot format the command");
  std::unique_ptr<char, void (*)(char*)> owned_command(command,
                                                       redisFreeCommand);
  for (long long written = 0; written < length;) {
    const ssize_t n = write(context_->fd, command + written,
                            static_cast<size_t>(length - written));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return failure(/*sent=*/false,
                     n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)
                         ? "timed out while sending"
                         : strerror(errno));
    }
    written += n;
  }
  void* raw_reply = nullptr;
  if (redisGetReply(context_, &raw_reply) != REDIS_OK || raw_reply == nullptr ||
      context_->err != 0) {
    if (raw_reply != nullptr) freeReplyObject(raw_reply);
    return failure(/*sent=*/true);
  }
  auto* reply = static_cast<redisReply*>(raw_reply);
  RedisReplyPtr owned(reply);
  if (IsServerStateError(reply)) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("redis ", pool_->options_.host, ":", pool_->options_.port,
                     ": ", absl::string_view(reply->str, reply->len)));
    Discard();
    return status;
  }
  if (IsOutOfMemory(reply)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "redis ", pool_->options_.host, ":", pool_->options_.port,
        " is out of memory (maxmemory reached): writes are refused until "
        "memory is freed"));
  }
  return owned;
}

absl::StatusOr<std::vector<RedisReplyPtr>> RedisPool::Lease::Pipeline(
    absl::Span<const std::vector<absl::string_view>> commands) {
  const auto start = std::chrono::steady_clock::now();
  auto done = [&](absl::string_view outcome) {
    if (pool_->options_.observer == nullptr) return;
    pool_->options_.observer->CommandDone(
        "PIPELINE", outcome,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
  };
  if (context_ == nullptr) {
    done("unavailable");
    return absl::UnavailableError("redis connection was discarded");
  }
  auto failure = [&](bool sent) {
    const std::string why =
        context_->errstr[0] != '\0' ? context_->errstr : "no reply";
    absl::Status status =
        sent ? absl::DeadlineExceededError(
                   absl::StrCat("redis pipeline sent but not answered: ", why))
             : absl::UnavailableError(
                   absl::StrCat("redis pipeline failed, not sent: ", why));
    Discard();
    done(sent ? "timeout" : "unavailable");
    return status;
  };
  for (const std::vector<absl::string_view>& args : commands) {
    std::vector<const char*> argv;
    std::vector<size_t> argv_len;
    for (absl::string_view arg : args) {
      argv.push_back(arg.data());
      argv_len.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()),
                               argv.data(), argv_len.data()) != REDIS_OK) {
      return failure(/*sent=*/false);
    }
  }
  std::vector<RedisReplyPtr> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw_reply = nullptr;
    // The first call writes the whole buffer before it reads.
    if (redisGetReply(context_, &raw_reply) != REDIS_OK ||
        raw_reply == nullptr || context_->err != 0) {
      if (raw_reply != nullptr) freeReplyObject(raw_reply);
      return failure(/*sent=*/true);
    }
    replies.emplace_back(static_cast<redisReply*>(raw_reply));
  }
  done("ok");
  return replies;
}

absl::StatusOr<RedisReplyPtr> RedisPool::Lease::CommandWithTimeout(
    absl::Span<const absl::string_view> args, absl::Duration timeout) {
  if (context_ == nullptr) {
    return absl::UnavailableError("redis connection was discarded");
  }
  if (redisSetTimeout(context_, TimevalOf(timeout)) != REDIS_OK) {
    Discard();
    return absl::UnavailableError("redis: cannot set the socket timeout");
  }
  absl::StatusOr<RedisReplyPtr> reply = Send(args);
  if (context_ != nullptr &&
      redisSetTimeout(context_, TimevalOf(pool_->options_.command_timeout)) !=
          REDIS_OK) {
    Discard();
  }
  return reply;
}

RedisPool::RedisPool(RedisOptions options) : options_(std::move(options)) {
  IgnoreSigpipeOnce();
}

RedisPool::~RedisPool() {
  std::lock_guard<std::mutex> lock(mu_);
  for (redisContext* context : idle_) redisFree(context);
  idle_.clear();
}

void RedisPool::Release(redisContext* context) {
  int in_use = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    in_use = --leased_;
    if (context != nullptr) idle_.push_back(context);
  }
  slot_freed_.notify_one();
  if (options_.observer != nullptr) {
    options_.observer->PoolUse(std::max(options_.pool_size, 1), in_use);
  }
}

absl::StatusOr<redisContext*> RedisPool::Connect() {
  const std::string where = absl::StrCat(options_.host, ":", options_.port);
  redisContext* context =
      redisConnectWithTimeout(options_.host.c_str(), options_.port,
                              TimevalOf(options_.connect_timeout));
  if (context == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("redis ", where, ": cannot allocate a connection"));
  }
  if (context->err != 0) {
    absl::Status status = absl::UnavailableError(
        absl::StrCat("redis ", where, " unreachable: ", context->errstr));
    redisFree(context);
    return status;
  }
  if (redisSetTimeout(context, TimevalOf(options_.command_timeout)) !=
      REDIS_OK) {
    redisFree(context);
    return absl::UnavailableError(
        absl::StrCat("redis ", where, ": cannot set the socket timeout"));
  }
  if (!options_.password.empty()) {
    const char* argv[] = {"AUTH", options_.password.c_str()};
    const size_t argv_len[] = {4, options_.password.size()};
    auto* reply =
        static_cast<redisReply*>(redisCommandArgv(context, 2, argv, argv_len));
    absl::Status status;
    if (reply == nullptr || context->err != 0) {
      status = absl::UnavailableError(
          absl::StrCat("redis ", where, ": AUTH failed: ", context->errstr));
    } else if (reply->type == REDIS_REPLY_ERROR) {
      status = absl::UnavailableError(absl::StrCat(
          "redis ", where,
          ": AUTH refused: ", absl::string_view(reply->str, reply->len)));
    }
    if (reply != nullptr) freeReplyObject(reply);
    if (!status.ok()) {
      redisFree(context);
      return status;
    }
  }
  return context;
}

absl::StatusOr<RedisPool::Lease> RedisPool::Acquire() {
  RedisObserver* observer = options_.observer;
  if (observer == nullptr) return UnobservedAcquire();
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<Lease> lease = UnobservedAcquire();
  observer->AcquireDone(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count(),
      lease.ok());
  if (lease.ok()) {
    int in_use = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      in_use = leased_;
    }
    observer->PoolUse(std::max(options_.pool_size, 1), in_use);
  }
  return lease;
}

absl::StatusOr<RedisPool::Lease> RedisPool::UnobservedAcquire() {
  redisContext* context = nullptr;
  {
    std::unique_lock<std::mutex> lock(mu_);
    const auto deadline = std::chrono::steady_clock::now() +
                          absl::ToChronoNanoseconds(options_.acquire_timeout);
    const int pool_size = std::max(options_.pool_size, 1);
    const bool free = slot_freed_.wait_until(lock, deadline, [&] {
      return !idle_.empty() ||
             leased_ + static_cast<int>(idle_.size()) < pool_size;
    });
    if (!free) {
      return absl::UnavailableError(
          absl::StrCat("redis: no free connection within ",
                       absl::FormatDuration(options_.acquire_timeout),
                       " (pool of ", pool_size, ")"));
    }
    ++leased_;
    if (!idle_.empty()) {
      context = idle_.back();
      idle_.pop_back();
    }
  }
  // The slot is ours; check or (re)connect outside the lock.
  if (context != nullptr && !Healthy(context)) {
    redisFree(context);
    context = nullptr;
  }
  if (context == nullptr) {
    absl::StatusOr<redisContext*> connected = Connect();
    if (!connected.ok()) {
      Release(nullptr);
      return connected.status();
    }
    context = *connected;
  }
  return Lease(this, context);
}

}  // namespace backplan
