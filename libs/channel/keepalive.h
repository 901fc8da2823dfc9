// Keepalive settings shared by Backplan's servers and clients, so a client
// never pings more often than a server permits (a server answers pings that
// come too often with GOAWAY "too_many_pings" and drops the connection).
// Header-only constants; servers apply them in libs/rpc/server.cc, clients
// through ApplyClientDefaults (channel_config.h).
#ifndef BACKPLAN_LIBS_CHANNEL_KEEPALIVE_H_
#define BACKPLAN_LIBS_CHANNEL_KEEPALIVE_H_

namespace backplan::channel {

// Clients ping an idle connection every 30 s and give up on it when the
// ping is not answered within 10 s, also between calls.
inline constexpr int kClientKeepaliveTimeMs = 30000;
inline constexpr int kClientKeepaliveTimeoutMs = 10000;
// Servers accept pings 20 s apart or more (under the clients' 30 s), with
// or without calls in flight; they ping idle clients every 60 s themselves.
inline constexpr int kServerMinPingIntervalMs = 20000;
inline constexpr int kServerKeepaliveTimeMs = 60000;
inline constexpr int kServerKeepaliveTimeoutMs = 20000;

}  // namespace backplan::channel

#endif  // BACKPLAN_LIBS_CHANNEL_KEEPALIVE_H_
