#include "tests/testing/redis_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace backplan::testing {
namespace {

std::string FindRedisServer() {
  if (const char* env = getenv("BACKPLAN_REDIS_SERVER"); env && *env) {
    return env;
  }
  if (const char* path = getenv("PATH"); path != nullptr) {
    for (absl::string_view dir : absl::StrSplit(path, ':')) {
      if (dir.empty()) continue;
      std::string candidate = absl::StrCat(dir, "/redis-server");
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  }
  return "/usr/bin/redis-server";
}

// A port the kernel just handed out for 127.0.0.1; 0 on failure.
int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// Sends PING (after AUTH when a password is set) and reads one reply; true
// when the server answered with +PONG, or -NOAUTH without a password (which
// shows a server listens, as tests of AUTH need).
bool Answers(int port, const std::string& password) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  timeval tv{0, 200000};  // 200 ms.
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string request;
    if (!password.empty()) {
      absl::StrAppend(&request, "*2\r\n$4\r\nAUTH\r\n$", password.size(),
                      "\r\n", password, "\r\n");
    }
    request += "*1\r\n$4\r\nPING\r\n";
    if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
        static_cast<ssize_t>(request.size())) {
      std::string response;
      char buffer[256];
      while (!absl::StrContains(response, "PONG") &&
             !absl::StrContains(response, "NOAUTH") && response.size() < 4096) {
        ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        if (n <= 0) break;
        response.append(buffer, static_cast<size_t>(n));
      }
      ok = absl::StrContains(response, "+PONG") ||
           (password.empty() && absl::StrContains(response, "-NOAUTH"));
    }
  }
  close(fd);
  return ok;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RedisServer>> RedisServer::Create(
    RedisServerOptions options) {
  std::string binary = FindRedisServer();
  if (access(binary.c_str(), X_OK) != 0) {
    return absl::UnavailableError(absl::StrCat("redis-server not found (tried ",
                                               binary,
                                               "); set BACKPLAN_REDIS_SERVER"));
  }
  std::string tmpl =
      (std::filesystem::temp_directory_path() / "backplan-redis-XXXXXX")
          .string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("mkdtemp failed: ", std::strerror(errno)));
  }
  std::unique_ptr<RedisServer> server(
      new RedisServer(std::move(options), std::move(binary), tmpl));
  absl::Status status;
  for (int attempt = 0; attempt < 10; ++attempt) {
    server->port_ = PickFreePort();
    if (server->port_ == 0) {
      status = absl::UnavailableError("cannot pick a free port");
      continue;
    }
    status = server->Launch();
    if (status.ok()) return server;
  }
  return status;
}

RedisServer::~RedisServer() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

absl::Status RedisServer::Launch() {
  std::vector<std::string> args = {
      binary_,  "--port",    absl::StrCat(port_), "--bind",      host_,
      "--save", "",          "--appendonly",      "no",          "--dir",
      dir_,     "--logfile", log_path(),          "--daemonize", "no"};
  if (!options_.password.empty()) {
    args.push_back("--requirepass");
    args.push_back(options_.password);
  }
  // Everything the child needs is built before fork(): between fork and
  // exec only async-signal-safe calls are allowed.
  std::vector<char*> argv;
  argv.reserve(args.size() + 1);
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    return absl::UnavailableError(
        absl::StrCat("fork failed: ", std::strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // The parent died already.
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
      dup2(devnull, STDIN_FILENO);
      dup2(devnull, STDOUT_FILENO);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  pid_ = pid;

  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (absl::Now() < deadline) {
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = 0;
      return absl::UnavailableError(
          absl::StrCat("redis-server exited during start on port ", port_,
                       " (status ", wstatus, "); see ", log_path()));
    }
    if (Answers(port_, options_.password)) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = 0;
  return absl::UnavailableError(
      absl::StrCat("redis-server did not answer on port ", port_, " within ",
                   absl::FormatDuration(options_.start_timeout)));
}

absl::Status RedisServer::Stop() {
  if (pid_ <= 0) return absl::OkStatus();
  kill(pid_, SIGTERM);
  const absl::Time deadline = absl::Now() + absl::Seconds(5);
  while (absl::Now() < deadline) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = 0;
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = 0;
  return absl::OkStatus();
}

absl::Status RedisServer::Start() {
  if (pid_ > 0) return absl::OkStatus();
  return Launch();
}

}  // namespace backplan::testing
